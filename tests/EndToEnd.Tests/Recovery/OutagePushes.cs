using K8sWebhookHandler.GitHubApiEmulator.State;
using K8sWebhookHandler.Testing.Handler;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>
/// What a repository's developers push while the handler is down, each push delivered through the hook and failed:
/// four commits to main one after another, a new branch with two, and two tags. <see cref="Running"/> is what
/// superseding must leave running once they are redelivered: the newest commit of each branch, and every tag.
/// </summary>
public sealed record OutagePushes(IReadOnlyList<HookAttempt> Failed, IReadOnlyList<(string Repository, string Ref, string Revision)> Running)
{
    /// <summary>Commits and delivers the pushes on top of <paramref name="main"/>, main's head; fails unless GitHub recorded every delivery as failed.</summary>
    public static async Task<OutagePushes> DeliverAsync(RecoveryFixture fixture, HookedRepository repository, string main)
    {
        var git = repository.Git;
        var failed = new List<HookAttempt>();
        async Task PushAsync(string gitRef, string before, string after) => failed.Add(await fixture.DeliverPushAsync(repository, gitRef, before, after));

        var mains = new List<string> { main };
        for (var i = 1; i <= 4; i++)
        {
            mains.Add(await git.CommitFileAsync("main", "counter.txt", $"{i}"));
            await PushAsync("refs/heads/main", mains[^2], mains[^1]);
        }

        var feature = await git.CommitAsync("feature", new Dictionary<string, string?> { ["feature.txt"] = "1" }, "feature 1", startPoint: mains[1]);
        await PushAsync("refs/heads/feature", GitHubPayloads.Zero, feature);
        var newestFeature = await git.CommitFileAsync("feature", "feature.txt", "2");
        await PushAsync("refs/heads/feature", feature, newestFeature);
        foreach (var (tag, sha) in new[] { ("v1.0.0", mains[1]), ("v1.1.0", mains[3]) })
        {
            await git.TagAsync(tag, sha);
            await PushAsync($"refs/tags/{tag}", GitHubPayloads.Zero, sha);
        }

        Assert.All(failed, a => Assert.True(a.StatusCode == 0, $"with the handler down GitHub recorded {a.Guid} as {a.StatusCode} ({a.Status})"));
        return new OutagePushes(failed,
        [
            (repository.FullName, "refs/heads/main", mains[^1]),
            (repository.FullName, "refs/heads/feature", newestFeature),
            (repository.FullName, "refs/tags/v1.0.0", mains[1]),
            (repository.FullName, "refs/tags/v1.1.0", mains[3]),
        ]);
    }
}
