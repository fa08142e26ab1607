package io.promcc.bench;

import io.promcc.core.model.DesiredState;
import io.promcc.core.model.OutputMode;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Average time of planning and rendering a whole fleet ({@link Fleet}) into a
 * {@link DesiredState}: cluster checks, job rendering, YAML writing, the merge into the base
 * config, validation, certificate files and the content hash. Run with {@code -prof gc} for the
 * allocated bytes per operation ({@code gc.alloc.rate.norm}).
 *
 * <p>The defaults below are for a quick run; {@code scripts/bench.sh} passes its own. Not final
 * and with public fields because JMH's generated code subclasses it and sets the parameters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class PlanRenderBenchmark {
  /** Number of guest clusters. */
  @Param({"100", "1000", "10000"})
  public int clusters;

  /** Merged config or one file per cluster. */
  @Param({"MERGED", "PER_CLUSTER_FILES"})
  public OutputMode mode;

  private Fleet fleet;

  /** Builds the fleet outside the measurement. */
  @Setup
  public void setUp() {
    fleet = Fleet.of(clusters);
    DesiredState state = fleet.plan(mode);
    if (state.clusters().size() != clusters || !state.rejections().isEmpty()) {
      throw new IllegalStateException("the fleet does not plan cleanly: " + state.rejections());
    }
  }

  /** Plans and renders every cluster; the result is returned so that it is not optimised away. */
  @Benchmark
  public DesiredState planAndRender() {
    return fleet.plan(mode);
  }
}
