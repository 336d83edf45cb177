package network.manifest.metrics.api;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import com.github.luben.zstd.ZstdCompressCtx;

/**
 * zstd frames (with their content size) from reused compression contexts: creating a context per
 * response, as {@code Zstd.compress} does, cost about a quarter of compressing an API answer. At most
 * {@code idle} contexts are kept (each holds native memory); a busier moment creates more and closes them.
 */
final class ZstdCompressor implements AutoCloseable {

	private final int level;

	private final BlockingQueue<ZstdCompressCtx> idle;

	ZstdCompressor(int level, int idle) {
		this.level = level;
		this.idle = new ArrayBlockingQueue<>(idle);
	}

	byte[] compress(byte[] input) {
		ZstdCompressCtx context = idle.poll();
		if (context == null) {
			context = new ZstdCompressCtx().setLevel(level).setContentSize(true);
		}
		try {
			return context.compress(input);
		}
		finally {
			if (!idle.offer(context)) {
				context.close();
			}
		}
	}

	/** Frees the idle contexts' native memory. */
	@Override
	public void close() {
		for (ZstdCompressCtx context = idle.poll(); context != null; context = idle.poll()) {
			context.close();
		}
	}

}
