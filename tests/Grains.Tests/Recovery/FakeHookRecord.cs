using K8sWebhookHandler.Abstractions.Recovery;
using K8sWebhookHandler.Grains.Failures;
using K8sWebhookHandler.Grains.Recovery;

namespace K8sWebhookHandler.Grains.Tests.Recovery;

/// <summary>
/// GitHub's record of hook deliveries, in memory: attempts per hook, listed newest first in pages of
/// <see cref="PageSize"/> by an id cursor; a redelivery is recorded as asked and, when <see cref="Receiver"/> answers,
/// made at once as a new attempt with the receiver's status.
/// </summary>
internal sealed class FakeHookRecord(TimeProvider time) : IHookDeliveries
{
    private readonly List<(WebhookHook Hook, HookAttempt Attempt, string? Repository)> _attempts = [];
    private long _nextId = 1000;

    public int PageSize { get; init; } = 3;

    /// <summary>The status a redelivery gets; null leaves it unmade (GitHub has not got to it yet).</summary>
    public Func<string, int?> Receiver { get; set; } = _ => 202;

    public List<(WebhookHook Hook, long Attempt, string Guid)> Redelivered { get; } = [];

    public List<string?> Cursors { get; } = [];

    /// <summary>Thrown by the next call when set, once.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>What asking for one delivery's redelivery fails with, by GUID; null lets it through.</summary>
    public Func<string, Exception?> RedeliveryFailure { get; set; } = _ => null;

    /// <summary>Whether it answers as for a GitHub App (the App's hook) or, by default, as for a token (repository hooks).</summary>
    public bool App { get; init; }

    public string? Unavailable(HookKind kind) => (kind == HookKind.App) == App ? null : "not configured in this test";

    public HookAttempt Deliver(WebhookHook hook, string guid, int status, string? repository = "octo/app", TimeSpan? ago = null, string eventName = "push")
    {
        var attempt = new HookAttempt(_nextId++, guid, time.GetUtcNow() - (ago ?? TimeSpan.Zero), false, status, eventName);
        _attempts.Add((hook, attempt, repository));
        return attempt;
    }

    /// <summary>When set, listing waits for it: a run stays under way until the test lets it go on.</summary>
    public Task? ListGate { get; set; }

    public async Task<HookAttemptPage> ListAsync(WebhookHook hook, string? cursor, CancellationToken cancellationToken)
    {
        if (ListGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        Fail();
        Cursors.Add(cursor);
        var after = cursor is null ? long.MaxValue : long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture);
        var page = _attempts.Where(a => a.Hook == hook && a.Attempt.Id < after).Select(a => a.Attempt).OrderByDescending(a => a.Id).Take(PageSize + 1).ToList();
        var next = page.Count > PageSize ? page[PageSize - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new HookAttemptPage(page.Take(PageSize).ToArray(), next);
    }

    public Task<string?> RepositoryOfAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken)
    {
        Fail();
        return Task.FromResult(_attempts.Single(a => a.Attempt.Id == attempt).Repository);
    }

    public Task RedeliverAsync(WebhookHook hook, long attempt, CancellationToken cancellationToken)
    {
        Fail();
        var original = _attempts.Single(a => a.Attempt.Id == attempt);
        if (RedeliveryFailure(original.Attempt.Guid) is { } refused)
        {
            throw refused;
        }

        Redelivered.Add((hook, attempt, original.Attempt.Guid));
        if (Receiver(original.Attempt.Guid) is { } status)
        {
            _attempts.Add((hook, original.Attempt with { Id = _nextId++, DeliveredAt = time.GetUtcNow(), Redelivery = true, StatusCode = status }, original.Repository));
        }

        return Task.CompletedTask;
    }

    private void Fail()
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
    }
}
