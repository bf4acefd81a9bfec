using System.Collections.Concurrent;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Grains.Processing;

namespace K8sWebhookHandler.Grains.Tests.Cluster;

/// <summary>A commit graph the test writes down: parent links per commit, and branch heads.</summary>
public sealed class ScriptedGraph : IRevisionGraph
{
    private readonly ConcurrentDictionary<string, string> _parents = new();
    private readonly ConcurrentDictionary<string, string> _heads = new();

    /// <summary>Records a chain of commits, each the parent of the next.</summary>
    public void Chain(params string[] commits)
    {
        for (var i = 1; i < commits.Length; i++)
        {
            _parents[commits[i]] = commits[i - 1];
        }
    }

    public void Head(string repository, string branch, string commit) => _heads[$"{repository}|{branch}"] = commit;

    public Task<bool> IsAncestorAsync(WebhookEvent webhookEvent, string ancestor, string descendant, CancellationToken cancellationToken)
    {
        for (var current = descendant; current is not null; current = _parents.GetValueOrDefault(current))
        {
            if (current == ancestor)
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    public Task<string?> BranchHeadAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken) =>
        Task.FromResult(_heads.GetValueOrDefault($"{webhookEvent.Repository.FullName}|{webhookEvent.Ref}"));
}
