package io.promcc.kube;

import io.kubernetes.client.openapi.models.V1Service;
import io.promcc.core.port.ClusterSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Main-method harness (not a test): the cost of a {@link ServiceClusterSource#snapshot()} for
 * 1000 guest-cluster Services when every Service is mapped again, against the memoised path the
 * source takes when Services did not change (assembly only). Both run interleaved in one JVM;
 * the median of each is printed with the ratio. Run as documented in docs/benchmarks.md.
 */
public final class ServiceMappingBenchmark {
  private ServiceMappingBenchmark() {}

  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    ServiceMapping mapping = new ServiceMapping(DiscoverySettings.defaults());
    List<V1Service> input = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      V1Service service = TestServices.guest("c" + i);
      if (i % 10 == 0) {
        service.getMetadata().getAnnotations().put(DiscoverySettings.DEFAULT_ETCD_ANNOTATION,
            "etcd.c" + i + ".example.com:2379");
      }
      input.add(service);
    }
    List<ServiceMapping.Outcome> memoised = input.stream().map(mapping::map).toList();
    long[] full = new long[rounds];
    long[] cached = new long[rounds];
    int sink = 0;
    for (int warm = 0; warm < rounds; warm++) {
      sink += ServiceMapping.snapshot(input.stream().map(mapping::map).toList()).clusters().size();
      sink += ServiceMapping.snapshot(memoised).clusters().size();
    }
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      ClusterSnapshot a = ServiceMapping.snapshot(input.stream().map(mapping::map).toList());
      long t1 = System.nanoTime();
      ClusterSnapshot b = ServiceMapping.snapshot(memoised);
      long t2 = System.nanoTime();
      full[r] = t1 - t0;
      cached[r] = t2 - t1;
      sink += a.clusters().size() + b.clusters().size();
    }
    Arrays.sort(full);
    Arrays.sort(cached);
    double fullMicros = full[rounds / 2] / 1000.0;
    double cachedMicros = cached[rounds / 2] / 1000.0;
    System.out.printf("services=%d rounds=%d%n", services, rounds);
    System.out.printf("map+assemble   median %.1f us (%.2f us/service)%n", fullMicros,
        fullMicros / services);
    System.out.printf("assemble only  median %.1f us (%.2f us/service)%n", cachedMicros,
        cachedMicros / services);
    System.out.printf("ratio map+assemble / assemble only: %.1fx%n", fullMicros / cachedMicros);
    System.out.println("(checksum " + sink + ")");
  }
}
