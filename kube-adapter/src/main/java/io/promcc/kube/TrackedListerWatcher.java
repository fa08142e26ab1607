package io.promcc.kube;

import static java.util.Objects.requireNonNull;

import io.kubernetes.client.common.KubernetesListObject;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGenerator;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import io.promcc.core.port.Sleeper;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import okhttp3.Call;
import okhttp3.OkHttpClient;

/**
 * A {@link ListerWatcher} with finite timeouts and health tracking, used instead of the one
 * {@code SharedInformerFactory} builds: that one sets the client's read timeout to zero, so a
 * silently dead connection blocks the informer forever (client-java issue #2330). Here a list has
 * a read timeout, a watch asks the server to end it after {@code watchTimeout} and reads with that
 * plus a grace period; watches always allow bookmarks so a resumed watch starts from a recent
 * version. Responses are read tolerantly ({@link TolerantJson}), so fields of a newer API server
 * do not stop the informer. A 429 is retried no earlier than its {@code Retry-After} (at most a
 * minute). A watch that the server or a proxy ends at once with no event is made again only
 * after a pause ({@link ShortWatchBackoff}, 1 s doubling to 30 s), where client-java's reflector
 * would ask again at once, in a hot loop; once the pause reaches 30 s the informer is failing
 * until an event comes through or a watch lasts a second, ended or still open
 * ({@link #checkLastingWatch()}). After a failed list or watch call, a watch that broke or
 * brought an {@code ERROR} event other than 410 Gone, a 410 Gone that follows a failure or
 * another before the pause started over (the first relists at once), or a failure only the
 * reflector saw
 * ({@link #reflectorFailed}), the next list or watch waits a pause
 * ({@link FailureBackoff}, 0.8 s doubling to 30 s, as client-go's reflector backs off), where
 * client-java's reflector would list again every second. A list refused for a "too large resource
 * version" (an API server whose cache is behind the version the informer saw last, e.g. another
 * replica than the one it watched through) is made again at once without a resourceVersion, a
 * consistent read, as client-go's reflector does; client-java's would ask for the same version
 * until that cache caught up; so is a list answered 410 Gone (the version asked for expired),
 * which client-java's reflector gives up, to list so a second later, and is no failure unless
 * that list fails too ({@link CallRefusals} reads these answers and a 429's). The first
 * list, which client-java's reflector asks for at version "0" (any version, possibly from a
 * watch cache far behind), is a consistent read too: a source never reads an object as gone
 * because a stale cache does not have it yet.
 * With an {@link ItemByItem}, a list's objects and a watch event's are read one by one, so
 * that one that cannot be read fails neither the list nor the watch.
 * Every call's outcome, and every watch {@code ERROR} event other than 410 Gone, goes to an
 * {@link InformerHealth} with a message that says what the server answered.
 *
 * <p>Thread-safe as far as the reflector needs (it calls from one thread).
 */
final class TrackedListerWatcher<T extends KubernetesObject, L extends KubernetesListObject>
    implements ListerWatcher<T, L> {
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(1);
  /** The resourceVersion that lets the API server answer a list at any version, however old. */
  private static final String ANY_VERSION = "0";

  private final ApiClient client;
  private final CallGenerator calls;
  private final Class<T> type;
  private final Class<L> listType;
  private final String description;
  private final InformerHealth health;
  private final OkHttpClient listHttp;
  private final WatchSettings settings;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  /** System.nanoTime before which no call is made (a 429's Retry-After); 0 for none. */
  private volatile long notBefore;
  /** Whether the next list reads without a resourceVersion (the last one was too large). */
  private volatile boolean listConsistently;
  private final ShortWatches shortWatches;
  private final FailureBackoff failures = new FailureBackoff();
  /** Whether a failure was recorded, its pause started, since the last list or watch began. */
  private volatile boolean failedSinceCall;
  /** Whether the informer is stopping ({@link #stop()}): nothing is a failure from then on. */
  private volatile boolean stopped;
  /** Reads objects one by one; null to read a list as a whole. */
  private final ItemByItem items;

  /**
   * @param calls builds the list call; {@code params.watch} selects a watch
   * @param description e.g. {@code services in all namespaces}, used in failure messages
   */
  TrackedListerWatcher(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, InformerHealth health, WatchSettings settings) {
    this(client, calls, type, listType, description, health, settings, System::nanoTime,
        Sleeper.SYSTEM, Later.SYSTEM);
  }

  /**
   * @param ticker nanoseconds, as {@link System#nanoTime()}: times the pauses and the watches
   * @param sleeper waits out the pauses, on the reflector's thread
   * @param later runs the checks of an open watch ({@link ShortWatches}) on the ticker's time
   */
  TrackedListerWatcher(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, InformerHealth health, WatchSettings settings, LongSupplier ticker,
      Sleeper sleeper, Later later) {
    this(client, calls, type, listType, description, health, settings, ticker, sleeper, later,
        null);
  }

  /**
   * As above; with {@code items}, a list's objects and a watch event's object are read one by
   * one ({@link ItemByItem}), where without it one that cannot be read fails the list or the
   * watch.
   *
   * @param items null to read a list as a whole
   */
  TrackedListerWatcher(ApiClient client, CallGenerator calls, Class<T> type, Class<L> listType,
      String description, InformerHealth health, WatchSettings settings, LongSupplier ticker,
      Sleeper sleeper, Later later, ItemByItem items) {
    this.items = items;
    this.client = requireNonNull(client, "client == null");
    this.calls = requireNonNull(calls, "calls == null");
    this.type = requireNonNull(type, "type == null");
    this.listType = requireNonNull(listType, "listType == null");
    this.description = requireNonNull(description, "description == null");
    this.health = requireNonNull(health, "health == null");
    this.settings = requireNonNull(settings, "settings == null");
    this.ticker = requireNonNull(ticker, "ticker == null");
    this.sleeper = requireNonNull(sleeper, "sleeper == null");
    this.shortWatches = new ShortWatches(description, health, ticker,
        requireNonNull(later, "later == null"));
    // a read timeout starts again with every byte: the call timeout bounds a trickled body
    this.listHttp = client.getHttpClient().newBuilder()
        .readTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .callTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).build();
  }

  @Override
  public L list(CallGeneratorParams params) throws ApiException {
    failedSinceCall = false;
    awaitRetryAfter();
    awaitFailurePause();
    // the reflector's first list asks for "0", any version: the API server may answer it from a
    // watch cache that is behind, older than what a controller running before saw, and a
    // cluster made since would be read as gone; a consistent read instead (a relist asks for
    // the last version seen, "not older than", which is safe)
    String version = listConsistently || ANY_VERSION.equals(params.resourceVersion) ? ""
        : params.resourceVersion;
    try {
      L list;
      try {
        list = list(version);
      } catch (ApiException e) {
        if (!(CallRefusals.tooLargeResourceVersion(e) || CallRefusals.expired(e))
            || version == null || version.isEmpty()) {
          throw e;
        }
        listConsistently = true;
        list = list("");
      }
      listConsistently = false;
      healthy();
      return list;
    } catch (ApiException | RuntimeException e) {
      noteRetryAfter(e);
      failed("cannot list " + description + ": "
          + FailureText.describe(e, client.getBasePath()));
      throw e;
    }
  }

  private L list(String resourceVersion) throws ApiException {
    Call call = listHttp.newCall(calls.generate(
        new CallGeneratorParams(false, resourceVersion, null)).request());
    return items == null ? TolerantJson.execute(client, call, listType)
        : TolerantJson.execute(call, text -> items.readList(text, listType, type));
  }

  @Override
  public Watchable<T> watch(CallGeneratorParams params) throws ApiException {
    failedSinceCall = false;
    awaitRetryAfter();
    awaitFailurePause();
    awaitWatchPause();
    long seconds = settings.watchTimeout().toSeconds();
    if (params.timeoutSeconds != null && params.timeoutSeconds > 0) {
      seconds = Math.min(seconds, params.timeoutSeconds);
    }
    // the server ends the watch after the seconds asked; the grace past them bounds the call
    // too, not only each read (events trickled one by one would restart a read timeout forever)
    long limit = seconds * 1000 + settings.watchReadGrace().toMillis();
    OkHttpClient watchHttp = client.getHttpClient().newBuilder()
        .readTimeout(limit, TimeUnit.MILLISECONDS)
        .callTimeout(limit, TimeUnit.MILLISECONDS)
        .build();
    // as client-go's reflector, a watch's time counts from its request
    long startedAt = ticker.getAsLong();
    try {
      // at most 2^31-1 s: WatchSettings keeps the timeout and its grace under 2^31-1 ms
      Call call = watchHttp.newCall(calls.generate(new CallGeneratorParams(true,
          params.resourceVersion, Math.toIntExact(seconds))).request());
      Watch<T> watch = TolerantJson.watch(client, call, type, items);
      healthy();
      failures.watchOpened(startedAt);
      TrackedWatch<T> tracked = new TrackedWatch<>(watch, "watch of " + description,
          client.getBasePath(), new TrackedWatch.Outcome() {
            @Override
            public void delivered() {
              watchDelivered();
            }

            @Override
            public void ended(boolean delivered) {
              shortWatches.ended(startedAt, delivered);
            }

            @Override
            public void failed(String failure) {
              TrackedListerWatcher.this.failed(failure);
            }

            @Override
            public void expired() {
              watchExpired();
            }
          });
      shortWatches.opened(tracked, startedAt);
      return tracked;
    } catch (ApiException | RuntimeException e) {
      noteRetryAfter(e);
      failed("cannot watch " + description + ": "
          + FailureText.describe(e, client.getBasePath()));
      throw e;
    }
  }

  /**
   * A list or watch call, or a watch, failed: the informer fails with {@code failure}, and the
   * next list or watch waits the pause after it ({@link FailureBackoff}).
   */
  private void failed(String failure) {
    if (stopped) {
      return;
    }
    health.failed(failure);
    startFailurePause();
  }

  /**
   * The reflector gave up a run with {@code error} (its exception handler). A failure this
   * lister-watcher did not record since the last call began (an event the reflector cannot
   * read, e.g. without metadata, or anything else it throws) is the informer's failure unless
   * one is recorded, and the next list or watch waits the pause after it, as after a failed
   * call: the reflector would list again a second later, for as long as the failure repeats.
   * One this lister-watcher recorded (a failed call, a broken watch, an {@code ERROR} event)
   * started its pause already. Nothing once the informer is stopping ({@link #stop()}). The
   * reflector's thread.
   */
  void reflectorFailed(Throwable error) {
    if (stopped) {
      return;
    }
    health.failedUnlessKnown(description + " failed: "
        + FailureText.describe(error, client.getBasePath()));
    if (!failedSinceCall) {
      startFailurePause();
    }
  }

  /**
   * The informer is stopping, before its reflector is stopped: what that does to the call or the
   * pause under way (an interrupted pause or call, the watch closed, an error closing it) is no
   * failure and starts no pause, as client-go's reflector returns quietly once told to stop.
   * Any thread; for good.
   */
  void stop() {
    stopped = true;
  }

  /** Starts the pause after a failure ({@link FailureBackoff}) that the next call waits. */
  private void startFailurePause() {
    failures.failed(ticker.getAsLong());
    failedSinceCall = true;
  }

  /** A call worked: {@link ShortWatches#callWorked}. */
  private void healthy() {
    shortWatches.callWorked();
  }

  /** Any thread: {@link ShortWatches#checkLastingWatch}. */
  void checkLastingWatch() {
    shortWatches.checkLastingWatch();
  }

  private void awaitRetryAfter() throws ApiException {
    long left = notBefore - ticker.getAsLong();
    if (notBefore == 0 || left <= 0) {
      return;
    }
    pause(Duration.ofNanos(left), "retry");
  }

  private void awaitFailurePause() throws ApiException {
    Duration left = failures.left(ticker.getAsLong());
    if (!left.isZero()) {
      pause(left, "list and watch again");
    }
  }

  private void awaitWatchPause() throws ApiException {
    Duration left = shortWatches.pauseLeft();
    if (!left.isZero()) {
      pause(left, "watch again");
    }
    shortWatches.pauseWaited();
  }

  private void pause(Duration length, String before) throws ApiException {
    try {
      // the reflector's own thread; stopping the informer interrupts it
      sleeper.sleep(length);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException("interrupted while waiting to " + before + " " + description);
    }
  }

  private void noteRetryAfter(Throwable e) {
    if (e instanceof ApiException api && api.getCode() == 429) {
      Optional<Duration> after = CallRefusals.retryAfter(api);
      after.ifPresent(d -> notBefore = ticker.getAsLong()
          + Math.min(d.toNanos(), MAX_RETRY_AFTER.toNanos()));
    }
  }

  /**
   * A watch was answered 410 Gone: the reflector lists again. At once after the first since the
   * pause after failures started over (the version watched from is merely too old); after a
   * pause as after a failed call ({@link FailureBackoff#expired}) when it follows a failure or
   * another 410 sooner, events between or not, as client-go's reflector waits its backoff
   * before each list: an API server that answers every watch with 410, after an event or not,
   * is not listed again every second for good. Not a failure of the informer: its lists work.
   */
  private void watchExpired() {
    failures.expired(ticker.getAsLong());
  }

  /**
   * An event came through a watch: watches that ended at once start their pauses over
   * ({@link ShortWatches#delivered}). The pause after failures does not start over
   * ({@link FailureBackoff}): a watch that brings one event and breaks, again and again, would
   * be listed again every 0.8 s.
   */
  private void watchDelivered() {
    shortWatches.delivered();
  }
}
