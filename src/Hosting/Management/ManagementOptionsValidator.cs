using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Hosting.Management;

/// <summary>
/// Refuses a management listener that cannot be told apart from the public one or that would be open beyond loopback:
/// each URL http(s) with a fixed port of its own, not one the public listener uses; beyond loopback only with tokens;
/// tokens of at least <see cref="MinTokenLength"/> characters without white space. A token is never repeated in a message.
/// </summary>
public sealed class ManagementOptionsValidator(IConfiguration configuration) : IValidateOptions<ManagementOptions>
{
    public const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, ManagementOptions options)
    {
        var problems = UrlProblems(options).Concat(TokenProblems(options)).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private IEnumerable<string> UrlProblems(ManagementOptions options)
    {
        if (options.UrlList.Count == 0)
        {
            yield return $"{ManagementOptions.Section}:Urls is empty: set it to the management listener's URL, e.g. {ManagementOptions.DefaultUrls}.";
        }

        var publicPorts = ListenerUrls.Public(configuration).Select(ListenerUrls.Parse)
            .OfType<Microsoft.AspNetCore.Http.BindingAddress>().Select(a => a.Port).ToHashSet();
        foreach (var url in options.UrlList)
        {
            var address = ListenerUrls.Parse(url);
            if (address is null || address.Port == 0)
            {
                yield return $"{ManagementOptions.Section}:Urls has '{url}', which is not an http(s) URL with a fixed port: set e.g. {ManagementOptions.DefaultUrls}.";
            }
            else if (publicPorts.Contains(address.Port))
            {
                yield return $"{ManagementOptions.Section}:Urls uses port {address.Port}, which the webhook listener (urls, ASPNETCORE_URLS) uses too: give the management listener a port of its own.";
            }
            else if (!ListenerUrls.IsLoopback(address) && !options.RequiresToken)
            {
                yield return $"{ManagementOptions.Section}:Urls has '{url}', beyond loopback, and no token is set: set {ManagementOptions.Section}:Tokens (a secret) or listen on localhost.";
            }
        }
    }

    private static IEnumerable<string> TokenProblems(ManagementOptions options)
    {
        for (var i = 0; i < options.Tokens.Count; i++)
        {
            var token = options.Tokens[i] ?? "";
            if (token.Length < MinTokenLength || token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                yield return $"{ManagementOptions.Section}:Tokens:{i} is not a token: use at least {MinTokenLength} characters without spaces (e.g. openssl rand -hex 32).";
            }
        }
    }
}
