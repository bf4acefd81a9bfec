using K8sWebhookHandler.Cli.Arguments;

namespace K8sWebhookHandler.Cli;

/// <summary>How <c>k8swh</c> prints its answers.</summary>
public enum OutputFormat
{
    /// <summary>Aligned columns and short shas, for people.</summary>
    Table,

    /// <summary>The API's JSON, unchanged, for scripts.</summary>
    Json,
}

/// <summary>Where the management API is, how to authenticate, and how to print: options first, then the environment.</summary>
/// <param name="Url">The management API's base address, ending in <c>/</c>.</param>
/// <param name="Token">Sent as <c>Authorization: Bearer</c>; never printed.</param>
public sealed record CliSettings(Uri Url, string? Token, OutputFormat Output)
{
    public const string UrlVariable = "K8SWH_URL";
    public const string TokenVariable = "K8SWH_TOKEN";
    public const string DefaultUrl = "http://localhost:8081";

    /// <summary>Redacted, so that a settings object printed by accident never shows the token.</summary>
    public override string ToString() => $"{Url} ({(Token is null ? "no token" : "token set")}, {Output})";

    internal static CliSettings From(CommandLine line, IReadOnlyDictionary<string, string?> environment)
    {
        var url = Option(line, Commands.Url) ?? NonEmpty(environment.GetValueOrDefault(UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query))
        {
            throw new UsageException($"'{url}' is not an http or https URL such as {DefaultUrl} (from --url or ${UrlVariable})");
        }

        var token = Option(line, Commands.Token) ?? NonEmpty(environment.GetValueOrDefault(TokenVariable));
        if (token is not null && !token.All(c => c is > ' ' and <= '~'))
        {
            // Said without the token itself: it is a secret, and the terminal may be shared or recorded.
            throw new UsageException($"the token (from --token or ${TokenVariable}) has a space, a line break or a non-ASCII character; a bearer token has none");
        }

        var output = Option(line, Commands.Output) switch
        {
            null or "table" => OutputFormat.Table,
            "json" => OutputFormat.Json,
            var other => throw new UsageException($"--output is table or json, not '{other}'"),
        };
        var withSlash = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return new(withSlash, token, output);
    }

    private static string? Option(CommandLine line, OptionSpec option) => NonEmpty(line.Options.GetValueOrDefault(option.Name));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
