using System.Text.Json;
using System.Text.Json.Nodes;
using K8sWebhookHandler.Cli.Arguments;
using K8sWebhookHandler.Cli.Http;
using K8sWebhookHandler.Cli.Output;

namespace K8sWebhookHandler.Cli;

/// <summary>
/// <c>k8swh</c>: one command line in, one request to the management API, its answer printed, an exit code out
/// (see <see cref="ExitCodes"/>). Errors are one line on stderr starting with <c>k8swh:</c>.
/// </summary>
public static class CliApp
{
    /// <param name="environment"><c>K8SWH_URL</c> and <c>K8SWH_TOKEN</c>, read by the caller.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string?> environment,
        TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken)
    {
        CommandLine line;
        CliSettings settings;
        ApiRequest request;
        try
        {
            line = CommandLine.Parse(args);
            if (line.Help)
            {
                await stdout.WriteAsync(line.Command is null ? HelpText.Overview() : HelpText.For(line.Command));
                return ExitCodes.Ok;
            }

            settings = CliSettings.From(line, environment);
            request = ApiRequest.For(line);
        }
        catch (UsageException e)
        {
            var help = e.Command is null ? "k8swh --help" : $"k8swh {e.Command} --help";
            await stderr.WriteAsync($"k8swh: {e.Message} (see '{help}')\n");
            return ExitCodes.Usage;
        }

        return await CallAsync(line.Command!, settings, request, stdout, stderr, time, cancellationToken);
    }

    private static async Task<int> CallAsync(CommandSpec command, CliSettings settings, ApiRequest request,
        TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken)
    {
        ApiAnswer answer;
        try
        {
            answer = await ManagementClient.SendAsync(settings, request, cancellationToken);
        }
        catch (ApiUnreachableException e)
        {
            await stderr.WriteAsync($"k8swh: {e.Message}\n");
            return ExitCodes.Unavailable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteAsync("k8swh: interrupted before the API answered\n");
            return ExitCodes.Unavailable;
        }

        if (answer.Status is < 200 or > 299)
        {
            await stderr.WriteAsync($"k8swh: {ProblemLine.Format(answer, settings.Token is not null)}\n");
            return answer.Status is >= 400 and < 500 ? ExitCodes.Refused : ExitCodes.Unavailable;
        }

        if (settings.Output == OutputFormat.Json)
        {
            await stdout.WriteAsync(answer.Body.EndsWith('\n') ? answer.Body : answer.Body + "\n");
            return ExitCodes.Ok;
        }

        return await PrintTableAsync(command, answer, stdout, stderr, time.GetUtcNow());
    }

    private static async Task<int> PrintTableAsync(CommandSpec command, ApiAnswer answer, TextWriter stdout, TextWriter stderr, DateTimeOffset now)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(answer.Body);
        }
        catch (JsonException)
        {
            await stderr.WriteAsync($"k8swh: the API answered {answer.Status} without JSON; is --url the management port?\n");
            return ExitCodes.Unavailable;
        }

        await stdout.WriteAsync(command.Kind switch
        {
            CommandKind.Repositories => ListViews.Repositories(root, now),
            CommandKind.Deliveries => ListViews.Deliveries(root, now),
            CommandKind.Refs => ListViews.Refs(root, now),
            CommandKind.Recovery => RecoveryViews.Recovery(root, now),
            CommandKind.Recover => RecoveryViews.Run(root, now),
            CommandKind.Retry => $"queued again as rerun {Display.Text(root?["rerun"])}\n" + DeliveryView.Render(root, now),
            _ => DeliveryView.Render(root, now),
        });
        return ExitCodes.Ok;
    }
}
