using System.Text;

namespace K8sWebhookHandler.Cli.Arguments;

/// <summary>What <c>k8swh --help</c> and <c>k8swh COMMAND --help</c> print.</summary>
internal static class HelpText
{
    public const string ExitCodes =
        "Exit codes: 0 done; 1 the API refused (4xx, e.g. an unknown delivery or a missing token);\n" +
        "            2 wrong command line; 3 the API is unreachable, too slow, or failing (5xx).\n";

    public static string Overview()
    {
        var text = new StringBuilder()
            .Append("k8swh: inspect and retry the deliveries of k8s-webhook-handler, and run its delivery recovery, through its management API.\n\n")
            .Append("Usage: k8swh COMMAND [ARGUMENTS] [OPTIONS]\n\nCommands:\n");
        var width = Commands.All.Max(c => c.Name.Length) + 2;
        foreach (var command in Commands.All)
        {
            text.Append("  ").Append(command.Name.PadRight(width)).Append(command.Summary).Append('\n');
        }

        text.Append("\nOptions for every command:\n");
        Options(text, Commands.Global);
        return text.Append("\nRun 'k8swh COMMAND --help' for a command's arguments and options.\n").Append(ExitCodes).ToString();
    }

    public static string For(CommandSpec command)
    {
        var text = new StringBuilder()
            .Append("Usage: ").Append(command.Usage).Append(" [--url URL] [--token TOKEN] [--output table|json]\n\n")
            .Append(command.Summary).Append('\n');
        if (command.Positionals.Contains(Commands.Repository))
        {
            text.Append("OWNER/NAME is the repository as GitHub names it, e.g. octo-org/app.\n");
        }

        if (command.Positionals.Contains(Commands.Delivery))
        {
            text.Append("DELIVERY is the X-GitHub-Delivery id, as 'k8swh deliveries' lists it.\n");
        }

        text.Append("\nOptions:\n");
        Options(text, command.Options.Concat(Commands.Global).ToList());
        return text.Append('\n').Append(ExitCodes).ToString();
    }

    private static void Options(StringBuilder text, IReadOnlyList<OptionSpec> options)
    {
        var width = options.Max(o => o.Usage.Length) + 2;
        foreach (var option in options)
        {
            text.Append("  ").Append(option.Usage.PadRight(width)).Append(option.Description).Append('\n');
        }
    }
}
