namespace K8sWebhookHandler.Cli.Arguments;

/// <summary>What a command does with the management API.</summary>
internal enum CommandKind
{
    Repositories,
    Deliveries,
    Show,
    Retry,
    Refs,
    Recovery,
    Recover,
}

/// <summary>An option that takes a value, e.g. <c>--state queued</c>.</summary>
internal sealed record OptionSpec(string Name, string Value, string Description)
{
    public string Usage => $"--{Name} {Value}";
}

/// <summary>One command: its positional arguments, its own options and its help text.</summary>
internal sealed record CommandSpec(
    CommandKind Kind,
    string Summary,
    IReadOnlyList<string> Positionals,
    IReadOnlyList<OptionSpec> Options)
{
    public string Name { get; } = Kind.ToString().ToLowerInvariant();

    public string Usage =>
        string.Join(' ', new[] { $"k8swh {Name}" }.Concat(Positionals).Concat(Options.Select(o => $"[{o.Usage}]")));
}
