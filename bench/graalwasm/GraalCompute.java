import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.ByteSequence;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * GraalWasm on a compute.wasm module (bench/graalwasm.sh): per method a fresh instance, canister_init, then warm-up
 * and timed calls of {@code canister_query <method>} with stub ic0 imports (empty argument, reply recorded), and
 * the median. If the module exports its instruction counter as {@code counter} (the script patches the service's
 * instrumented module so), one more call reports the instructions it used.
 *
 * <p>Usage: {@code GraalCompute module.wasm methods warmup runs}
 */
public class GraalCompute {
    public static void main(String[] args) throws Exception {
        byte[] wasm = Files.readAllBytes(Path.of(args[0]));
        String[] methods = args[1].split(",");
        int warmup = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        try (Context context = Context.newBuilder("wasm").build()) {
            Value module = context.eval(Source.newBuilder("wasm", ByteSequence.create(wasm), "compute").build());
            for (String method : methods) {
                Value[] exports = new Value[1];
                List<Byte> reply = new ArrayList<>();
                Map<String, Object> ic0 = new HashMap<>();
                ic0.put("msg_arg_data_size", (ProxyExecutable) a -> 0);
                ic0.put("msg_arg_data_copy", (ProxyExecutable) a -> null);
                ic0.put("msg_reply", (ProxyExecutable) a -> null);
                ic0.put("msg_reply_data_append", (ProxyExecutable) a -> {
                    Value memory = exports[0].getMember("memory");
                    for (long i = 0; i < a[1].asLong(); i++) {
                        reply.add(memory.readBufferByte(a[0].asLong() + i));
                    }
                    return null;
                });
                ic0.put("trap", (ProxyExecutable) a -> {
                    throw new IllegalStateException("trap");
                });
                Value instance = module.newInstance(ProxyObject.fromMap(Map.of("ic0", ProxyObject.fromMap(ic0))));
                exports[0] = instance.getMember("exports");
                exports[0].getMember("canister_init").execute();
                Value query = exports[0].getMember("canister_query " + method);
                double[] ms = new double[runs];
                for (int i = 0; i < warmup + runs; i++) {
                    reply.clear();
                    long start = System.nanoTime();
                    query.execute();
                    if (i >= warmup) {
                        ms[i - warmup] = (System.nanoTime() - start) / 1e6;
                    }
                }
                long used = -1;
                Value counter = exports[0].getMember("counter");
                if (counter != null) {
                    long before = counter.getMember("value").asLong();
                    reply.clear();
                    query.execute();
                    used = before - counter.getMember("value").asLong();
                }
                Arrays.sort(ms);
                StringBuilder hex = new StringBuilder();
                reply.forEach(b -> hex.append(String.format("%02x", b)));
                System.out.printf("graalwasm method=%s median_ms=%.1f min_ms=%.1f reply=%s instructions=%d%n", method,
                        (ms[(runs - 1) / 2] + ms[runs / 2]) / 2, ms[0], hex, used);
            }
        }
    }
}
