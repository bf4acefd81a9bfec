using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>Refuses git settings that cannot work or would be unsafe, saying what to set instead.</summary>
public sealed class GitOptionsValidator : IValidateOptions<GitOptions>
{
    public ValidateOptionsResult Validate(string? name, GitOptions options)
    {
        var errors = RemoteProblems(options).Concat(CredentialProblems(options)).Concat(LimitProblems(options)).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Allowed remotes that are not URL prefixes, and a clone URL that would need ssh.</summary>
    private static IEnumerable<string> RemoteProblems(GitOptions options)
    {
        foreach (var (setting, value) in RemotePolicy.AllowedRemoteSettings(options))
        {
            if (!RemoteUrl.TryParse(value, out _, out var problem))
            {
                yield return $"{setting} '{RemoteUrl.Redact(value)}' {problem}. Allowed remotes are URL prefixes such as https://github.com/ or git://git.example.com:9418/: set Handler:Git:AllowedRemotes:0, :1 and so on.";
            }
        }

        if (options.CloneUrl == CloneUrlSource.SshUrl && options.CloneUrlRewrites.Count == 0)
        {
            yield return "Handler:CloneUrl=SshUrl needs ssh, which is not supported (libgit2 would start an external ssh program): set Handler:CloneUrl=CloneUrl (https), or add a Handler:CloneUrlRewrites entry from git@host: to an https:// URL.";
        }
    }

    /// <summary>Credential hosts that are not host names, and insecure credentials with no host to apply to.</summary>
    private static IEnumerable<string> CredentialProblems(GitOptions options)
    {
        foreach (var (host, i) in options.CredentialHosts.Select((h, i) => (h, i)))
        {
            if (!CredentialPolicy.HostEntry.TryParse(host, out _))
            {
                yield return $"Handler:Git:CredentialHosts:{i} '{RemoteUrl.Redact(host)}' must be a host name, optionally with :port, e.g. ghe.example.com.";
            }
        }

        if (options.AllowInsecureCredentials && options.CredentialHosts.Count == 0)
        {
            yield return "Handler:Git:AllowInsecureCredentials applies to Handler:Git:CredentialHosts only: list the hosts that may receive the token over http, or unset it.";
        }
    }

    /// <summary>Timeouts and the fetch size limit out of their range.</summary>
    private static IEnumerable<string> LimitProblems(GitOptions options)
    {
        if (options.FetchTimeout <= TimeSpan.Zero || options.FetchTimeout > TimeSpan.FromDays(1) || options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > options.FetchTimeout)
        {
            yield return "Handler:Git:FetchTimeout must be positive and at most a day (default 00:05:00), and Handler:Git:ConnectTimeout positive and no more than it (default 00:00:30).";
        }

        if (options.MaxFetchBytes <= 0)
        {
            yield return "Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).";
        }
    }
}
