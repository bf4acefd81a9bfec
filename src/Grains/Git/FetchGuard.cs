using System.Diagnostics;
using System.Globalization;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Failures;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// The limits of one mirror operation, enforced from libgit2's progress callbacks (returning false cancels the
/// fetch): the total deadline, the byte cap and the caller's cancellation. A stalled server calls back nothing,
/// so libgit2's own socket timeouts (<see cref="LibGit2Timeouts"/>) end that case; this class then says why the
/// fetch failed.
/// </summary>
internal sealed class FetchGuard(RemoteUrl remote, GitOptions limits, CancellationToken cancellationToken)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private bool _tooBig;
    private bool _late;
    private int _asked;
    private bool _refused;
    private long _received;

    /// <summary>
    /// Whether a server refused the credential: in one fetch, libgit2 asks once when the server first answers 401, and
    /// asks again only when it answered 401 to the credential it was given.
    /// </summary>
    public bool CredentialRefused => Volatile.Read(ref _refused);

    /// <summary>Bytes the current fetch has received so far, as libgit2 last reported them.</summary>
    public long ReceivedBytes => Volatile.Read(ref _received);

    /// <summary>A new fetch (a new connection) begins: libgit2 asks for the credential afresh and counts bytes from zero.</summary>
    public void BeginFetch()
    {
        Volatile.Write(ref _asked, 0);
        Volatile.Write(ref _received, 0);
    }

    /// <summary>Fetch options with the callbacks of this guard; <paramref name="credential"/> only where <paramref name="policy"/> allows.</summary>
    public FetchOptions Options(CredentialPolicy policy, FetchCredential? credential)
    {
        var fetchOptions = new FetchOptions
        {
            Prune = false,
            TagFetchMode = TagFetchMode.None,
            OnTransferProgress = progress =>
            {
                Volatile.Write(ref _received, progress.ReceivedBytes);
                return Continue(progress.ReceivedBytes);
            },
            OnProgress = _ => Continue(0),
        };
        if (credential is not null && policy.MaySend(remote))
        {
            fetchOptions.CredentialsProvider = (url, _, _) => Credential(policy, credential, url);
        }

        return fetchOptions;
    }

    /// <summary>
    /// What libgit2 gets when it asks: the credential once, and only for a URL that qualifies on its own (libgit2 asks
    /// with the URL it is at, after any redirect). Null passes: libgit2 goes on without credentials, and the server's
    /// refusal is an ordinary failed fetch; asked a second time, the server refused the credential, which is not sent again.
    /// </summary>
    private UsernamePasswordCredentials? Credential(CredentialPolicy policy, FetchCredential credential, string? url)
    {
        if (!policy.MaySend(url))
        {
            return null;
        }

        if (Interlocked.Increment(ref _asked) > 1)
        {
            Volatile.Write(ref _refused, true);
            return null;
        }

        return new UsernamePasswordCredentials { Username = FetchCredential.UserName, Password = credential.Token };
    }

    /// <summary>Whether the fetch may go on; false once past the deadline, over the byte cap, or cancelled.</summary>
    public bool Continue(long receivedBytes)
    {
        _tooBig |= receivedBytes > limits.MaxFetchBytes;
        _late |= Stopwatch.GetElapsedTime(_started) > limits.FetchTimeout;
        return !_tooBig && !_late && !cancellationToken.IsCancellationRequested;
    }

    /// <summary>Whether time, bytes and cancellation still allow another fetch.</summary>
    public bool WithinLimits => Continue(0);

    /// <summary>
    /// Whether a failed fetch was only cut short by a signal and may be made again at once: a socket read with a
    /// timeout (libgit2's, <see cref="LibGit2Timeouts"/>) is not restarted after a signal (EINTR, "Interrupted system
    /// call"), and the process gets signals for reasons of its own (its child processes ending, the runtime). Only
    /// while the deadline, the byte cap and the caller allow.
    /// </summary>
    public bool Interrupted(LibGit2SharpException e) =>
        e.Message.Contains("Interrupted system call", StringComparison.Ordinal) && WithinLimits;

    /// <summary>What a failed fetch means: refused (too big), cancelled, timed out, or another transient failure.</summary>
    public Exception Failed(RepositoryKey repository, LibGit2SharpException e)
    {
        if (_tooBig)
        {
            return new DeliveryRefusedException(
                $"the fetch from {remote} received more than {limits.MaxFetchBytes.ToString(CultureInfo.InvariantCulture)} bytes: the repository is too big for policy (Handler:Git:MaxFetchBytes)");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException($"git fetch of {repository} was cancelled", e, cancellationToken);
        }

        if (CredentialRefused)
        {
            return new TransientException($"git fetch of {repository} from {remote} failed: the server refused the credential (401)", e);
        }

        // Past the fetch's deadline it is the fetch that timed out, whatever libgit2 calls it: its socket timeout on a
        // server that stalls after connecting may read "Connection timed out" (ETIMEDOUT's text).
        if (_late || Stopwatch.GetElapsedTime(_started) >= limits.FetchTimeout)
        {
            return TimedOut(repository, e);
        }

        if (e.Message.Contains("connect", StringComparison.OrdinalIgnoreCase) && e.Message.Contains("timed out", StringComparison.OrdinalIgnoreCase))
        {
            return new TransientException($"git fetch of {repository} from {remote} timed out connecting after {limits.ConnectTimeout} (Handler:Git:ConnectTimeout)", e);
        }

        return e.Message.Contains("timed out", StringComparison.OrdinalIgnoreCase)
            ? TimedOut(repository, e)
            : new TransientException($"git fetch of {repository} from {remote} failed: {e.Message}", e);
    }

    /// <summary>The failure of a fetch that did not finish in time.</summary>
    public TransientException TimedOut(RepositoryKey repository, Exception? inner = null) =>
        new($"git fetch of {repository} from {remote} timed out after {limits.FetchTimeout} (Handler:Git:FetchTimeout)", inner);
}
