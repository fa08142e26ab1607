package io.promcc.vault;

import static java.util.Objects.requireNonNull;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether the token may work again after it was refused for a cluster ({@code
 * vault-token-invalid}) or could not be read ({@code vault-credentials-unreadable}: its file
 * missing, unreadable, on a volume that hangs), or the login refused its credential ({@link
 * #refusedLogin}), so that the clusters refused for the token need not wait out their own backoff:
 * a certificate was issued with a token of a login after the one whose token was last refused,
 * or the credential file holds another credential than the one that login read ({@link
 * TokenOrigin}: a token fixed in its file, looked at by {@link #lookAtCredential} at each
 * observation, with no Vault call). A
 * login alone shows nothing: each refused request logs in before it asks again, and a cluster
 * looked at while another one's attempt has logged in and waits for its answer would be asked for
 * nothing. A token refused again for any of them puts the others back in theirs until the next
 * certificate issued after a login, or the next change of the file. Thread-safe, and never waits
 * for a login under way, nor for a read of the file.
 */
final class TokenRefusals {
  private static final System.Logger LOG = System.getLogger(VaultCertificateSource.class.getName());

  /** The authenticator's count of logins that worked. */
  private final LongSupplier logins;
  /** The credential the authenticator's last login read; null if none. */
  private final Supplier<CredentialDigest> lastRead;
  /** The credential as its file holds it now; null if it is no file's or cannot be read. */
  private final Supplier<CredentialDigest> readNow;
  /** The login that made the token last refused for a cluster (or logins then); -1 if never. */
  private long refusedAtLogins = -1;
  /** The login that made the token of the last certificate issued; -1 if never. */
  private long issuedAtLogins = -1;
  /** The credential the login of the token last refused read; null if none is known. */
  private CredentialDigest refusedWith;
  /** Whether the file held another credential than {@code refusedWith} since that refusal. */
  private boolean changed;
  /** How many times {@code changed} was set: an attempt begun before the last is late. */
  private long changes;
  /** When the look under way began; null if none is. */
  private Instant lookBegan;
  /** Whether an observation after the one that began it found that look under way. */
  private boolean lookOverdue;
  /** Whether that observation asks for the file to be read again once that look ends. */
  private boolean lookAgain;
  /** The thread of the look under way once it runs; null if none does. */
  private Thread lookThread;
  /** Set by {@link #close}: no look begins after. */
  private boolean closed;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Executor looks = TokenRefusals::onItsOwnThread;

  TokenRefusals(LongSupplier logins, Supplier<CredentialDigest> lastRead,
      Supplier<CredentialDigest> readNow) {
    this.logins = requireNonNull(logins, "logins == null");
    this.lastRead = requireNonNull(lastRead, "lastRead == null");
    this.readNow = requireNonNull(readNow, "readNow == null");
  }

  /**
   * Whether a cluster's attempt that failed with {@code reason} failed for the token, not for
   * the cluster: the token refused, or it (its file or variable) could not be read.
   */
  static boolean aboutTheToken(String reason) {
    return VaultFailure.TOKEN_INVALID.reason().equals(reason)
        || VaultFailure.CREDENTIALS_UNREADABLE.reason().equals(reason);
  }

  /**
   * Whether {@code e} is the login refusing the credential (with Kubernetes or AppRole auth, the
   * service account token or secret ID: {@code vault-permission-denied} or {@code
   * vault-bad-request} from the login a cluster's request needed), a problem of the credential
   * too: fixed in its file, it ends the backoff of the clusters that failed so.
   */
  static boolean refusedLogin(VaultRequestException e) {
    return e.isOfLogin() && (e.failure() == VaultFailure.PERMISSION_DENIED
        || e.failure() == VaultFailure.BAD_REQUEST);
  }

  /**
   * What a cluster's attempt takes as it begins, before its request (and any login of it), to
   * give {@link #refused(long)} if it fails for the token.
   */
  synchronized long attemptBegins() {
    return changes;
  }

  /**
   * A cluster's request was refused for the token, or the token could not be read, after every
   * login it made itself; {@code used} is the origin of the token its last request used (null if
   * it had none: the login failed, and the logins and the credential the authenticator's last
   * login read are noted). A refusal marks only the credential its token's login read refused,
   * with the count of logins up to that one: a certificate issued with a token of a later login
   * counts, and the file holding another credential than that one ends the backoff.
   *
   * <p>Ignored if it tells nothing new: a token of a login before the one last refused (its
   * answer came late), the same login and credential as the last refusal, or an attempt begun
   * before the file was seen to hold another credential ({@link #attemptBegins()}): noted, such
   * a late refusal would take the new credential for refused and a certificate issued with it
   * for no sign that it works, holding the clusters in their backoff. A later attempt refused
   * with the new one puts them back.
   *
   * <p>A refusal noted has the file looked at once ({@link #lookAtCredential}, on the look's
   * thread): it may have changed while the refused request was under way, when nothing waited
   * for the credential and so no change of it started an observation.
   *
   * @param at when, for {@link #lookHangs()}
   */
  void refused(long began, TokenOrigin used, Instant at) {
    if (noteRefusal(began, used)) {
      beginLook(at, false);
    }
  }

  private synchronized boolean noteRefusal(long began, TokenOrigin used) {
    long login = used == null ? logins.getAsLong() : used.login();
    CredentialDigest with = used == null ? lastRead.get() : used.credential();
    if (began != changes || login < refusedAtLogins
        || login == refusedAtLogins && Objects.equals(with, refusedWith)) {
      LOG.log(Level.DEBUG, "a request that used a vault token from before the last refused "
          + "one, or from before the login credential changed, was refused; the new credential "
          + "is not taken for refused");
      return false;
    }
    refusedAtLogins = login;
    refusedWith = with;
    changed = false;
    return true;
  }

  /**
   * A certificate was issued for a cluster with a token of {@code used} (null if unknown: the
   * authenticator's count of logins is taken).
   */
  synchronized void issued(TokenOrigin used) {
    issuedAtLogins = Math.max(issuedAtLogins, used == null ? logins.getAsLong() : used.login());
  }

  /**
   * Whether a certificate was issued after a login since a token was last refused, or the
   * credential file changed since.
   */
  synchronized boolean worksAgain() {
    return refusedAtLogins >= 0 && (issuedAtLogins > refusedAtLogins || changed);
  }

  /**
   * Runs {@code listener} (on the look's thread; it must return quickly) when a look finds
   * another credential in the file than the refused one: the clusters waiting for it are due,
   * and the next observation asks them.
   */
  void addChangeListener(Runnable listener) {
    listeners.add(requireNonNull(listener, "listener == null"));
  }

  /** Where the looks read the file: a thread of their own, or (tests) the caller's. */
  void lookOn(Executor executor) {
    looks = requireNonNull(executor, "executor == null");
  }

  /**
   * What an observation names while a look begun before it has not ended (its read hangs, as on
   * a volume that does not answer); empty if none.
   */
  synchronized Optional<String> lookHangs() {
    return lookBegan == null || !lookOverdue ? Optional.empty() : Optional.of("the vault login "
        + "credential's file, read again since " + lookBegan + ", has not answered (is its "
        + "volume hanging?): the clusters waiting for the credential are asked once it answers "
        + "with another one");
  }

  /**
   * Reads the credential file, only while clusters may wait for the token and nothing has shown
   * it may work again yet, and notes whether it holds another credential than the refused one,
   * telling the listeners if it does; a file that cannot be read changes nothing. Never waits:
   * the read (at most its bound, a volume that hangs given up at once after the first) is made
   * on a thread of its own, one at a time (a look under way is not begun again, and is named by
   * {@link #lookHangs()}), without this object's lock. No Vault call.
   *
   * @param at when, for {@link #lookHangs()}
   */
  void lookAtCredential(Instant at) {
    beginLook(at, true);
  }

  /** As above; {@code observation} if an observation asks (then a look under way is overdue). */
  private void beginLook(Instant at, boolean observation) {
    synchronized (this) {
      if (lookBegan != null) {
        lookOverdue |= observation; // begun earlier, and not ended: it may have read the file
        lookAgain = true; // before this change, or this refusal, so it is read once more
        return;
      }
      if (closed || !waitsForCredential()) {
        return;
      }
      lookBegan = at;
    }
    try {
      looks.execute(this::look);
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        lookBegan = null;
      }
    }
  }

  private void look() {
    synchronized (this) {
      if (closed) {
        lookBegan = null; // handed over before the close: it reads nothing
        notifyAll();
        return;
      }
      lookThread = Thread.currentThread();
    }
    boolean found = false;
    boolean again;
    try {
      CredentialDigest now = readNow.get();
      found = now != null && noteRead(now);
    } finally {
      synchronized (this) {
        again = !closed && lookAgain && !found && waitsForCredential();
        lookAgain = false;
        lookOverdue = false;
        lookBegan = again ? lookBegan : null;
        lookThread = again ? lookThread : null;
        if (!again) {
          if (closed) {
            Thread.interrupted(); // the close's interrupt ends with the look
          }
          notifyAll();
        }
      }
    }
    if (found && !closed()) {
      listeners.forEach(Runnable::run);
    } else if (again) {
      look(); // asked for while this one ran: at most once more per observation meanwhile
    }
  }

  /** Whether {@code now}, read from the file, ends the wait (then noted). */
  private synchronized boolean noteRead(CredentialDigest now) {
    // a refusal meanwhile noted what its login read: compared with that
    if (!waitsForCredential() || now.equals(refusedWith)) {
      return false;
    }
    changed = true;
    changes++;
    LOG.log(Level.INFO, "the vault login credential changed since the token was refused;"
        + " the clusters refused for it are asked now, not after their backoff");
    return true;
  }

  /**
   * Whether clusters wait for the credential: a token was refused (or could not be read, or the
   * login refused its credential) and nothing has shown since that it may work again.
   */
  synchronized boolean waitsForCredential() {
    return refusedAtLogins >= 0 && issuedAtLogins <= refusedAtLogins && !changed;
  }

  /**
   * Stops the looks, for the close of the certificate source: none begins after, and the one
   * under way has its read interrupted (a file's read ends at an interrupt) and is waited for
   * for {@code nanos} at most (what is left of the close's budget): a read on a volume that
   * hangs holds only the look's own thread, until the read's bound. Idempotent.
   */
  void close(long nanos) {
    long deadline = System.nanoTime() + Math.max(0, nanos);
    synchronized (this) {
      closed = true;
      if (lookThread != null) {
        lookThread.interrupt();
      }
      boolean interrupted = false;
      while (lookBegan != null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          LOG.log(Level.DEBUG, "the look at the vault login credential''s file, begun at {0}, "
              + "had not ended when the close''s wait ran out", lookBegan);
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          interrupted = true;
          break; // the close's caller wants it over: the look ends on its own
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized boolean closed() {
    return closed;
  }

  private static void onItsOwnThread(Runnable look) {
    Thread thread = new Thread(look, "promcc-vault-credential-look");
    thread.setDaemon(true); // a read that hangs holds it; nothing waits for it
    thread.start();
  }
}
