package network.manifest.metrics.api;

/**
 * Who a request runs as.
 *
 * @param role the database role set for the transaction
 * @param claimsJson the JWT claims as JSON ({@code request.jwt.claims}); {@code {"role": ...}} when anonymous
 * @param anonymous no token was given: a permission error then asks for one (401) instead of 403
 */
record Caller(String role, String claimsJson, boolean anonymous) {
}
