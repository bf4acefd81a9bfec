namespace K8sWebhookHandler.Cli.Arguments;

/// <summary>The commands and options <c>k8swh</c> understands.</summary>
internal static class Commands
{
    public const string Repository = "OWNER/NAME";
    public const string Delivery = "DELIVERY";

    public static readonly OptionSpec Url = new("url", "URL", $"the management API (default: ${CliSettings.UrlVariable}, else {CliSettings.DefaultUrl})");
    public static readonly OptionSpec Token = new("token", "TOKEN", $"bearer token (default: ${CliSettings.TokenVariable}, which other users cannot see in the process list)");
    public static readonly OptionSpec Output = new("output", "table|json", "tables for people (default), or the API's JSON unchanged for scripts");

    public static readonly OptionSpec State = new("state", "STATE", "a delivery state: queued, applied, failed, rejected, superseded, ...");
    public static readonly OptionSpec Limit = new("limit", "N", "at most N items per page (the API allows 1 to 200, default 50)");
    public static readonly OptionSpec Cursor = new("cursor", "CURSOR", "the next page, as printed after the previous one");
    public static readonly OptionSpec Ref = new("ref", "REF", "only deliveries for this ref, e.g. refs/heads/main");
    public static readonly OptionSpec Event = new("event", "EVENT", "only deliveries of this event, e.g. push, pull_request");
    public static readonly OptionSpec Wait = new("wait", "SECONDS", "wait up to SECONDS (the API allows 0 to 25) for a queued delivery's outcome");

    public static IReadOnlyList<OptionSpec> Global { get; } = [Url, Token, Output];

    public static IReadOnlyList<CommandSpec> All { get; } =
    [
        new(CommandKind.Repositories, "List known repositories, by name, with their deliveries counted by state; --state queued shows what is stuck.",
            [], [State, Limit, Cursor]),
        new(CommandKind.Deliveries, "List a repository's deliveries, newest first.",
            [Repository], [State, Ref, Event, Limit, Cursor]),
        new(CommandKind.Show, "Show one delivery: its state, attempts, errors, the objects it applied or stopped, what GitHub was told.",
            [Repository, Delivery], [Wait]),
        new(CommandKind.Retry, "Run a recorded delivery again; prints the queued record.",
            [Repository, Delivery], []),
        new(CommandKind.Refs, "List a repository's refs with their applied revision and workflows.",
            [Repository], []),
        new(CommandKind.Recovery, "Show delivery recovery: whether it runs (or why not), the GitHub webhooks it reconciles, its recent runs.",
            [], []),
        new(CommandKind.Recover, "Run delivery recovery now: ask GitHub again for the failed deliveries the handler never recorded; prints the run.",
            [], []),
    ];

    public static CommandSpec? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
