using System.Globalization;
using K8sWebhookHandler.Cli.Arguments;

namespace K8sWebhookHandler.Cli.Http;

/// <summary>One call to the management API: a path relative to its base address, and how long the API may wait on purpose.</summary>
internal sealed record ApiRequest(HttpMethod Method, string Path, TimeSpan Wait)
{
    /// <summary>How long <c>POST /api/recovery/runs</c> waits for the run to end before it answers 202 with the run under way.</summary>
    public static readonly TimeSpan RecoveryRunWait = TimeSpan.FromSeconds(20);

    /// <summary>The request a checked command line asks for; arguments are validated and escaped here, once.</summary>
    /// <exception cref="UsageException">A repository that is not OWNER/NAME, or a number that is not one.</exception>
    public static ApiRequest For(CommandLine line)
    {
        var command = line.Command ?? throw new ArgumentException("a command line that asks for help has no request", nameof(line));
        return command.Kind switch
        {
            CommandKind.Repositories => Get("api/repositories" + Query(line, Commands.State, Commands.Limit, Commands.Cursor)),
            CommandKind.Deliveries => Get(RepositoryPath(line) + "/deliveries" + Query(line, Commands.State, Commands.Ref, Commands.Event, Commands.Limit, Commands.Cursor)),
            CommandKind.Show => Show(line),
            CommandKind.Retry => new(HttpMethod.Post, DeliveryPath(line) + "/retry", TimeSpan.Zero),
            CommandKind.Refs => Get(RepositoryPath(line) + "/refs"),
            CommandKind.Recovery => Get("api/recovery"),
            CommandKind.Recover => new(HttpMethod.Post, "api/recovery/runs", RecoveryRunWait),
            _ => throw new ArgumentOutOfRangeException(nameof(line), command.Kind, "not a command"),
        };
    }

    private static ApiRequest Get(string path) => new(HttpMethod.Get, path, TimeSpan.Zero);

    private static ApiRequest Show(CommandLine line)
    {
        if (!line.Options.TryGetValue(Commands.Wait.Name, out var text))
        {
            return Get(DeliveryPath(line));
        }

        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            throw new UsageException($"--wait is a number of seconds, e.g. --wait 10, not '{text}'", line.Command!.Name);
        }

        return new(HttpMethod.Get, DeliveryPath(line) + "?wait=" + seconds.ToString(CultureInfo.InvariantCulture), TimeSpan.FromSeconds(seconds));
    }

    private static string RepositoryPath(CommandLine line)
    {
        var parts = line.Positionals[0].Split('/');
        if (parts is not [var owner, var name] || owner.Length == 0 || name.Length == 0 || line.Positionals[0].Any(char.IsWhiteSpace))
        {
            throw new UsageException($"'{line.Positionals[0]}' is not OWNER/NAME, e.g. octo-org/app", line.Command!.Name);
        }

        return $"api/repositories/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(name)}";
    }

    private static string DeliveryPath(CommandLine line) =>
        $"{RepositoryPath(line)}/deliveries/{Uri.EscapeDataString(line.Positionals[1])}";

    private static string Query(CommandLine line, params OptionSpec[] options)
    {
        if (line.Options.TryGetValue(Commands.Limit.Name, out var limit) && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0))
        {
            throw new UsageException($"--limit is a whole number above 0, e.g. --limit 20, not '{limit}'", line.Command!.Name);
        }

        var pairs = options
            .Where(o => line.Options.ContainsKey(o.Name))
            .Select(o => $"{o.Name}={Uri.EscapeDataString(line.Options[o.Name])}")
            .ToList();
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }
}
