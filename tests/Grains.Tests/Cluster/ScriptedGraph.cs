using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Superseding;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A commit graph the test writes down: parent links per commit, and ref tips.</summary>
public sealed class ScriptedGraph : IRevisionGraph
{
    private readonly ConcurrentDictionary<string, string> _parents = new();
    private readonly ConcurrentDictionary<string, string> _heads = new();
    private int _questions;

    /// <summary>How many questions the graph was asked (each one a fetch, for the real graph).</summary>
    public int Questions => Volatile.Read(ref _questions);

    /// <summary>Records a chain of commits, each the parent of the next.</summary>
    public void Chain(params string[] commits)
    {
        for (var i = 1; i < commits.Length; i++)
        {
            _parents[commits[i]] = commits[i - 1];
        }
    }

    /// <summary>Where <paramref name="reference"/> (a full ref, <c>refs/heads/main</c>) of <paramref name="repository"/> points on the server.</summary>
    public void Head(string repository, string reference, string commit) => _heads[$"{repository}|{reference}"] = commit;

    public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _questions);
        for (var current = descendant; current is not null; current = _parents.GetValueOrDefault(current))
        {
            if (current == ancestor)
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    public Task<string?> RefTipAsync(WebhookEvent webhookEvent, GitRef reference, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _questions);
        return Task.FromResult(_heads.GetValueOrDefault($"{webhookEvent.Repository.FullName}|{reference.Value}"));
    }
}
