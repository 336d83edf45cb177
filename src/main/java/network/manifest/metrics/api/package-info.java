/**
 * The PostgREST-compatible {@code /rpc} API. A request is a pipeline of immutable values:
 *
 * <pre>
 * HTTP ──► JwtAuthenticator ──► Caller
 *      ──► RpcRequestParser ──► RpcRequest          (no database)
 *      ──► CallPlanner      ──► CallPlan            (against the ApiCatalog snapshot)
 *      ──► CallSql          ──► SQL + bound values
 *      ──► RpcExecutor      ──► RpcResult           (one transaction, role set locally)
 *      ──► RpcServlet renders it; ApiErrors writes every ApiException in PostgREST's error body
 * </pre>
 *
 * The catalog ({@link network.manifest.metrics.api.ApiCatalogService}) is loaded at start-up and swapped
 * on {@code NOTIFY pgrst, 'reload schema'} or {@code reload()}.
 */
package network.manifest.metrics.api;
