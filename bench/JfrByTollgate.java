import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Charges each CPU sample (jdk.ExecutionSample) and each allocation sample of the event loops
 * (jdk.ObjectAllocationSample, counted: its weight is dominated by a few huge samples) of a JFR recording to the innermost Tollgate frame (io.tollgate.*) on its stack: that method's
 * own work plus everything it calls that is not Tollgate's (the JDK, Vert.x, Netty). Samples with no Tollgate frame
 * are charged to "(no Tollgate frame)". For each of the top methods it names the callees' leaf frames that cost most.
 *
 * <p>Each further argument {@code LABEL=FRAGMENT|FRAGMENT...} adds a group: the share of CPU samples whose stack has
 * at least one frame whose {@code Class.method} name contains one of the fragments (each sample counted once per
 * group), to follow one change's cost across recordings.
 *
 * <pre>bench/jfr-tollgate.sh RECORDING.jfr [TOP] [LABEL=FRAGMENT|FRAGMENT...]...</pre>
 */
public final class JfrByTollgate {

    private static final String NONE = "(no Tollgate frame)";

    private record Charge(String method, String leaf) {}

    private static final class Tally {
        long total;
        final Map<String, Long> byMethod = new HashMap<>();
        final Map<String, Map<String, Long>> leaves = new HashMap<>();

        void add(Charge c, long weight) {
            total += weight;
            byMethod.merge(c.method, weight, Long::sum);
            leaves.computeIfAbsent(c.method, m -> new HashMap<>()).merge(c.leaf, weight, Long::sum);
        }
    }

    public static void main(String[] args) throws Exception {
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, String[]> groups = new java.util.LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            groups.put(args[i].substring(0, eq), args[i].substring(eq + 1).split("\\|"));
        }
        Map<String, Long> grouped = new HashMap<>();
        Tally cpu = new Tally();
        Tally allocCount = new Tally();
        Map<String, Long> threads = new HashMap<>();
        long cpuAll = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            String thread = e.hasField("sampledThread") && e.getThread("sampledThread") != null
                    ? e.getThread("sampledThread").getJavaName()
                    : e.getThread() != null ? e.getThread().getJavaName() : "?";
            boolean loop = thread != null && thread.contains("eventloop");
            if (type.equals("jdk.ExecutionSample")) {
                cpuAll++;
                threads.merge(thread == null ? "?" : thread.replaceAll("[0-9]+$", "N"), 1L, Long::sum);
                cpu.add(charge(e.getStackTrace(), null), 1);
                if (e.getStackTrace() != null) {
                    groups.forEach((label, fragments) -> {
                        if (e.getStackTrace().getFrames().stream().anyMatch(f -> containsAny(name(f), fragments))) {
                            grouped.merge(label, 1L, Long::sum);
                        }
                    });
                }
            } else if (type.equals("jdk.ObjectAllocationSample") && loop) {
                String cls = e.getClass("objectClass").getName();
                Charge c = charge(e.getStackTrace(), cls);
                allocCount.add(c, 1);
            }
        }
        System.out.printf("CPU samples by thread (%,d):%n", cpuAll);
        long all = cpuAll;
        sorted(threads).stream().limit(8).forEach(en ->
                System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / all, en.getKey()));
        if (!groups.isEmpty()) {
            System.out.printf("%ngroups (share of CPU samples whose stack passes through any of the fragments):%n");
            groups.keySet().forEach(label -> System.out.printf("%6.1f%%  %s%n",
                    100.0 * grouped.getOrDefault(label, 0L) / all, label));
        }
        print("CPU samples, every thread", cpu, top, "samples");
        print("allocation samples on the event loops (jdk.ObjectAllocationSample, counted)", allocCount, top,
                "samples");
    }

    /** The innermost Tollgate frame, and the leaf (the top frame, or for allocations the object's class). */
    private static Charge charge(RecordedStackTrace stack, String allocated) {
        if (stack == null) {
            return new Charge(NONE, allocated == null ? "?" : allocated);
        }
        List<RecordedFrame> frames = stack.getFrames();
        String leaf = allocated != null ? allocated : frames.isEmpty() ? "?" : name(frames.get(0));
        for (RecordedFrame f : frames) {
            String n = name(f);
            if (n.startsWith("io.tollgate.")) {
                return new Charge(n, leaf);
            }
        }
        return new Charge(NONE, leaf);
    }

    private static boolean containsAny(String name, String[] fragments) {
        for (String f : fragments) {
            if (name.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Tally t, int top, String unit) {
        System.out.printf("%n%s: %,d %s, charged to the innermost Tollgate frame%n", title, t.total, unit);
        if (t.total == 0) {
            return;
        }
        Map<String, Long> byClass = new HashMap<>();
        t.byMethod.forEach((m, w) -> byClass.merge(m.equals(NONE) ? NONE : m.substring(0, m.lastIndexOf('.')), w,
                Long::sum));
        System.out.println("by class:");
        sorted(byClass).stream().limit(top).forEach(en ->
                System.out.printf("%6.1f%%  %s%n", 100.0 * en.getValue() / t.total, en.getKey()));
        System.out.println("by method (with the leaves under it that cost most):");
        sorted(t.byMethod).stream().limit(top).forEach(en -> {
            StringBuilder leaves = new StringBuilder();
            sorted(t.leaves.get(en.getKey())).stream().limit(3).forEach(l -> leaves.append(String.format(
                    "%s %.1f%%; ", shortName(l.getKey()), 100.0 * l.getValue() / t.total)));
            System.out.printf("%6.1f%%  %s  [%s]%n", 100.0 * en.getValue() / t.total, en.getKey(), leaves);
        });
    }

    private static String shortName(String n) {
        String[] parts = n.replace("$$Lambda", "").split("\\.");
        return parts.length <= 2 ? n : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static List<Map.Entry<String, Long>> sorted(Map<String, Long> m) {
        List<Map.Entry<String, Long>> l = new ArrayList<>(m.entrySet());
        l.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return l;
    }
}
