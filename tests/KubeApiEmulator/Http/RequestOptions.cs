using Microsoft.AspNetCore.Http;

namespace K8sWebhookHandler.KubeApiEmulator.Http;

/// <summary>The query parameters and headers that change what a write does.</summary>
public sealed record RequestOptions(bool DryRun, string FieldManager, bool FieldManagerGiven, bool Force)
{
    private const int MaxFieldManagerLength = 128;

    public static RequestOptions From(HttpRequest request)
    {
        var query = request.Query;
        var dryRun = query["dryRun"].ToString();
        if (dryRun.Length > 0 && dryRun != "All")
        {
            throw KubeStatusException.BadRequest($"Invalid dry run value: {dryRun}: supported values are \"All\"");
        }

        var manager = query["fieldManager"].ToString();
        var given = manager.Length > 0;
        if (manager.Length > MaxFieldManagerLength)
        {
            throw KubeStatusException.BadRequest($"fieldManager: Too long: may not be more than {MaxFieldManagerLength} bytes");
        }

        if (!given)
        {
            // The API server names an unnamed manager after the client's user agent, up to its first '/'.
            var agent = request.Headers.UserAgent.ToString();
            manager = agent.Split('/')[0];
            manager = manager.Length == 0 ? "unknown" : manager[..Math.Min(manager.Length, MaxFieldManagerLength)];
        }

        var force = query["force"].ToString() is "true" or "1";
        return new(dryRun == "All", manager, given, force);
    }
}
