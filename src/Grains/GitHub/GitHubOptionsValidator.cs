using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.GitHub;

/// <summary>Refuses GitHub settings that cannot work, saying what to set; never repeats a key or a token.</summary>
public sealed class GitHubOptionsValidator : IValidateOptions<GitHubOptions>
{
    public ValidateOptionsResult Validate(string? name, GitHubOptions options)
    {
        var errors = ApiUrlProblems(options).Concat(AppProblems(options)).Concat(WorkflowUrlProblems(options)).Concat(TimeoutProblems(options)).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> ApiUrlProblems(GitHubOptions options)
    {
        if (!GitHubApiUrl.TryParse(options.ApiUrl, out _, out var problem))
        {
            yield return $"Handler:GitHub:ApiUrl {problem}: set https://api.github.com (the default) or GitHub Enterprise Server's https://HOST/api/v3.";
        }
    }

    private static IEnumerable<string> AppProblems(GitHubOptions options)
    {
        var keys = (string.IsNullOrWhiteSpace(options.PrivateKey) ? 0 : 1) + (string.IsNullOrWhiteSpace(options.PrivateKeyFile) ? 0 : 1);
        if (options.AppId is null)
        {
            if (keys > 0)
            {
                yield return "Handler:GitHub:PrivateKey or PrivateKeyFile is set without Handler:GitHub:AppId: set the App's id too, or remove the key.";
            }

            yield break;
        }

        if (options.AppId <= 0)
        {
            yield return "Handler:GitHub:AppId must be the App's id, a positive number (on the App's settings page).";
        }

        if (keys != 1)
        {
            yield return "Handler:GitHub:AppId needs exactly one of Handler:GitHub:PrivateKeyFile (a PEM file) and Handler:GitHub:PrivateKey (the PEM text).";
        }
        else if (AppKey.Problem(options) is { } problem)
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> WorkflowUrlProblems(GitHubOptions options)
    {
        if (options.WorkflowUrl is { } template && !WorkflowLink.TryCreate(template, out _, out var problem))
        {
            yield return $"Handler:GitHub:WorkflowUrl {problem}: set a template such as https://argo.example.com/workflows/{{namespace}}/{{name}}.";
        }
    }

    private static IEnumerable<string> TimeoutProblems(GitHubOptions options)
    {
        if (options.RequestTimeout <= TimeSpan.Zero || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            yield return "Handler:GitHub:RequestTimeout must be positive and at most 00:05:00 (default 00:00:10).";
        }
    }
}
