using System.Globalization;
using K8sWebhookHandler.GitHubApiEmulator.Webhooks;

namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>
/// Webhooks and GitHub's delivery log of each: repository hooks and Apps' hooks, every attempt to deliver through
/// them (the first and every redelivery), and every redelivery the API was asked for. Deliveries are signed and posted
/// by <see cref="WebhookSender"/>; an attempt is stamped with the emulator's clock, so a test on fake time can age it
/// past <see cref="Retention"/>. Attempt ids are unique and increasing across every hook, in the order attempts are
/// recorded. Thread-safe.
/// </summary>
public sealed class HookStore(Catalog catalog, WebhookSender sender) : IAsyncDisposable
{
    /// <summary>How long GitHub keeps a hook's deliveries (on github.com); older ones are neither listed nor found.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(3);

    private readonly Lock _gate = new();
    private readonly Dictionary<long, HookRecord> _hooks = [];
    private readonly Dictionary<long, List<HookAttempt>> _attempts = [];
    private readonly List<RedeliveryRequest> _redeliveries = [];
    private readonly List<Task> _background = [];
    private readonly Waiters _waiters = new();
    private readonly CancellationTokenSource _stopping = new();

    // Past int.MaxValue, as GitHub's delivery ids are: a client that reads them as 32-bit numbers fails here too.
    private long _nextAttemptId = 90_000_000_001;
    private long _nextHookId = 400_000_001;

    /// <summary>Every redelivery the API accepted, oldest first: recorded before the 202 is answered.</summary>
    public IReadOnlyList<RedeliveryRequest> Redeliveries
    {
        get
        {
            lock (_gate)
            {
                return [.. _redeliveries];
            }
        }
    }

    /// <summary>
    /// Adds a webhook to repository <paramref name="fullName"/> (<c>owner/name</c>; registered in the catalog if it is
    /// not yet, since GitHub has no hook without its repository) and gives its id.
    /// </summary>
    public long AddRepositoryHook(string fullName, Uri url, string secret)
    {
        var slash = fullName.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == fullName.Length - 1)
        {
            throw new ArgumentException($"a repository is named owner/name, not '{fullName}'", nameof(fullName));
        }

        var repository = catalog.Repository(fullName[..slash], fullName[(slash + 1)..]) ?? catalog.AddRepository(fullName[..slash], fullName[(slash + 1)..]);
        var checkedUrl = Loopback(url);
        lock (_gate)
        {
            return AddLocked(new HookRecord(_nextHookId++, HookKind.Repository, repository.FullName, null, checkedUrl, secret));
        }
    }

    /// <summary>Sets App <paramref name="appId"/>'s webhook (an App has one: a second call changes its URL and secret) and gives its id.</summary>
    public long AddAppHook(long appId, Uri url, string secret)
    {
        var checkedUrl = Loopback(url);
        lock (_gate)
        {
            if (_hooks.Values.FirstOrDefault(h => h.Kind == HookKind.App && h.AppId == appId) is { } existing)
            {
                _hooks[existing.Id] = existing with { Url = checkedUrl, Secret = secret };
                return existing.Id;
            }

            return AddLocked(new HookRecord(_nextHookId++, HookKind.App, null, appId, checkedUrl, secret));
        }
    }

    /// <summary>Points hook <paramref name="hookId"/> at <paramref name="url"/> (and a new secret, if given): later attempts and redeliveries use them.</summary>
    public void UpdateHook(long hookId, Uri url, string? secret = null)
    {
        lock (_gate)
        {
            var hook = _hooks.GetValueOrDefault(hookId) ?? throw new ArgumentException($"there is no hook {hookId}", nameof(hookId));
            _hooks[hookId] = hook with { Url = Loopback(url), Secret = secret ?? hook.Secret };
        }
    }

    public HookRecord? Hook(long hookId)
    {
        lock (_gate)
        {
            return _hooks.GetValueOrDefault(hookId);
        }
    }

    /// <summary>App <paramref name="appId"/>'s webhook, if it has one.</summary>
    public HookRecord? AppHook(long appId)
    {
        lock (_gate)
        {
            return _hooks.Values.FirstOrDefault(h => h.Kind == HookKind.App && h.AppId == appId);
        }
    }

    /// <summary>
    /// Delivers <paramref name="payload"/> as event <paramref name="eventName"/> through hook <paramref name="hookId"/>
    /// (its URL and secret now), with <paramref name="guid"/> as <c>X-GitHub-Delivery</c> (a new one if null), and
    /// records the attempt, whatever the receiver answered or if it could not be reached.
    /// </summary>
    public Task<HookAttempt> DeliverAsync(long hookId, string eventName, string payload, string? guid = null, CancellationToken cancellationToken = default)
    {
        var hook = Hook(hookId) ?? throw new ArgumentException($"there is no hook {hookId}", nameof(hookId));
        return PostAsync(hook, eventName, payload, guid ?? Guid.NewGuid().ToString(), redelivery: false, cancellationToken);
    }

    /// <summary>Hook <paramref name="hookId"/>'s attempts, oldest first, however old (the API lists only those within <see cref="Retention"/>).</summary>
    public IReadOnlyList<HookAttempt> Attempts(long hookId)
    {
        lock (_gate)
        {
            return _attempts.TryGetValue(hookId, out var attempts) ? [.. attempts] : [];
        }
    }

    /// <summary>
    /// Records a redelivery of <paramref name="original"/> and starts it: in the background, as GitHub does after its
    /// 202, the original payload and GUID go through the hook as it is now, and land in its log with <c>redelivery</c>.
    /// </summary>
    public RedeliveryRequest Redeliver(HookAttempt original)
    {
        var request = new RedeliveryRequest(original.HookId, original.Id, original.Guid);
        var hook = Hook(original.HookId) ?? throw new ArgumentException($"there is no hook {original.HookId}", nameof(original));
        lock (_gate)
        {
            _redeliveries.Add(request);
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(Task.Run(() => RedeliverAsync(hook, original)));
        }

        _waiters.Recheck();
        return request;
    }

    /// <summary>Completes once <paramref name="condition"/> holds over <see cref="Redeliveries"/>; fails with them in the message after <paramref name="timeout"/>.</summary>
    public Task WaitForRedeliveriesAsync(Func<IReadOnlyList<RedeliveryRequest>, bool> condition, TimeSpan timeout) =>
        _waiters.WaitUntilAsync(() => condition(Redeliveries), timeout,
            () => "redeliveries: " + string.Join(", ", Redeliveries.Select(r => $"hook {r.HookId} delivery {r.DeliveryId} ({r.Guid})")));

    /// <summary>The first of hook <paramref name="hookId"/>'s attempts that matches, once it is recorded; fails with the log in the message after <paramref name="timeout"/>.</summary>
    public async Task<HookAttempt> WaitForAttemptAsync(long hookId, Func<HookAttempt, bool> match, TimeSpan timeout)
    {
        HookAttempt? found = null;
        await _waiters.WaitUntilAsync(() => (found = Attempts(hookId).FirstOrDefault(match)) is not null, timeout,
            () => $"hook {hookId}'s attempts: " + string.Join(", ", Attempts(hookId).Select(a => $"{a.Id} {a.Guid} {a.Status}{(a.Redelivery ? " (redelivery)" : "")}")));
        return found!;
    }

    /// <summary>Stops redeliveries under way and waits for them to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = [.. _background];
        }

        await Task.WhenAll(running);
        _stopping.Dispose();
    }

    /// <summary>Adds <paramref name="hook"/> with an empty log; the caller holds the lock.</summary>
    private long AddLocked(HookRecord hook)
    {
        _hooks[hook.Id] = hook;
        _attempts[hook.Id] = [];
        return hook.Id;
    }

    private async Task RedeliverAsync(HookRecord hook, HookAttempt original)
    {
        try
        {
            await PostAsync(hook, original.Event, original.Payload, original.Guid, redelivery: true, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The emulator stops: GitHub would have lost this redelivery as well.
        }
    }

    private async Task<HookAttempt> PostAsync(HookRecord hook, string eventName, string payload, string guid, bool redelivery, CancellationToken cancellationToken)
    {
        var facts = PayloadFacts.Read(payload);
        var repositoryId = hook.Kind == HookKind.Repository ? RepositoryId(hook.Repository, null) : RepositoryId(facts.RepositoryFullName, facts.RepositoryId);
        var target = hook.Kind == HookKind.App ? hook.AppId : repositoryId;
        var headers = new Dictionary<string, string>
        {
            ["X-GitHub-Hook-Installation-Target-Type"] = hook.TargetType,
            ["X-GitHub-Hook-Installation-Target-ID"] = target!.Value.ToString(CultureInfo.InvariantCulture),
        };
        var sent = await sender.SendAsync(hook.Url, hook.Secret, eventName, payload, hook.Id, guid, headers, cancellationToken);
        HookAttempt attempt;
        lock (_gate)
        {
            attempt = new HookAttempt(_nextAttemptId++, guid, hook.Id, eventName, facts.Action, facts.InstallationId, repositoryId,
                sent.SentAt, redelivery, sent.StatusCode, sent.Status, sent.Duration, payload)
            {
                Url = hook.Url, RequestHeaders = sent.RequestHeaders, ResponseHeaders = sent.ResponseHeaders, ResponseBody = sent.ResponseBody,
            };
            _attempts[hook.Id].Add(attempt);
        }

        _waiters.Recheck();
        return attempt;
    }

    /// <summary>The catalog's id of the repository, else the payload's, else one derived from its name; null without a repository.</summary>
    private long? RepositoryId(string? fullName, long? payloadId)
    {
        var slash = fullName?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        var known = slash > 0 ? catalog.Repository(fullName![..slash], fullName[(slash + 1)..]) : null;
        return known?.Id ?? payloadId ?? (fullName is null ? null : PayloadFacts.StableRepositoryId(fullName));
    }

    private static Uri Loopback(Uri url) =>
        url.IsAbsoluteUri && url.IsLoopback ? url : throw new ArgumentException($"the emulator delivers only to loopback addresses, not {url}", nameof(url));
}
