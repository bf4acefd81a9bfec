using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace K8sWebhookHandler.GitHub.Tests.Support;

/// <summary>The hook-deliveries endpoints called with a plain HTTP client (Octokit has no API for them), and payloads to deliver.</summary>
public static partial class HookCalls
{
    public const string Secret = "hook-s3cret";

    public static string Token => "token " + GitHubWorld.PersonalToken;

    /// <summary>The deliveries path of a hook of <c>octo-org/hello</c>.</summary>
    public static string RepositoryHook(long hookId, string repository = $"{GitHubWorld.Owner}/{GitHubWorld.Repo}") =>
        $"/repos/{repository}/hooks/{hookId.ToString(CultureInfo.InvariantCulture)}/deliveries";

    /// <summary>A push payload of <c>octo-org/hello</c>, numbered so that each is told apart, from installation 7001.</summary>
    public static string Push(int n) =>
        $$$"""{"ref":"refs/heads/branch-{{{n}}}","after":"{{{n:x40}}}","repository":{"id":1296269,"full_name":"octo-org/hello"},"installation":{"id":{{{GitHubWorld.InstallationId}}}}}""";

    /// <summary>Delivers pushes <paramref name="from"/> on through <paramref name="hookId"/>, <paramref name="count"/> of them, one after another.</summary>
    public static async Task DeliverPushesAsync(GitHubWorld world, long hookId, int count, int from = 0)
    {
        for (var i = from; i < from + count; i++)
        {
            await world.Emulator.Hooks.DeliverAsync(hookId, "push", Push(i));
        }
    }

    /// <summary>One page: its items and the <c>rel="next"</c> URL of its <c>Link</c> header, if any.</summary>
    public static async Task<(int Status, JsonArray Items, string? Next)> PageAsync(GitHubWorld world, string url, string authorization)
    {
        var (status, body, response) = await world.SendAsync(HttpMethod.Get, url, authorization: authorization);
        var link = response.Headers.TryGetValues("Link", out var values) ? values.Single() : null;
        var next = link is null ? null : NextLink().Match(link) is { Success: true } m ? m.Groups[1].Value : null;
        return (status, status == 200 ? JsonNode.Parse(body)!.AsArray() : [], next);
    }

    /// <summary>Every page from <paramref name="url"/> on, following <c>rel="next"</c>; fails past 50 pages (a loop).</summary>
    public static async Task<IReadOnlyList<JsonArray>> AllPagesAsync(GitHubWorld world, string url, string authorization)
    {
        var pages = new List<JsonArray>();
        for (string? next = url; next is not null && pages.Count < 50;)
        {
            var (status, items, following) = await PageAsync(world, next, authorization);
            Assert.Equal(200, status);
            pages.Add(items);
            next = following;
        }

        return pages;
    }

    /// <summary>GitHub's <c>X-Hub-Signature-256</c> of <paramref name="body"/>, computed here rather than by the emulator's code.</summary>
    public static string Signature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static long[] Ids(IEnumerable<JsonNode?> items) => [.. items.Select(i => i!["id"]!.GetValue<long>())];

    [GeneratedRegex("<([^>]+)>; rel=\"next\"")]
    private static partial Regex NextLink();
}
