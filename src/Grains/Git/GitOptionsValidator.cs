using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>Refuses git settings that cannot work or would be unsafe, saying what to set instead.</summary>
public sealed class GitOptionsValidator : IValidateOptions<GitOptions>
{
    public ValidateOptionsResult Validate(string? name, GitOptions options)
    {
        var errors = new List<string>();
        foreach (var (setting, value) in RemotePolicy.AllowedRemoteSettings(options))
        {
            if (!RemoteUrl.TryParse(value, out _, out var problem))
            {
                errors.Add($"{setting} '{RemoteUrl.Redact(value)}' {problem}. Allowed remotes are URL prefixes such as https://github.com/ or git://git.example.com:9418/: set Handler:Git:AllowedRemotes:0, :1 and so on.");
            }
        }

        if (options.CloneUrl == CloneUrlSource.SshUrl && options.CloneUrlRewrites.Count == 0)
        {
            errors.Add("Handler:CloneUrl=SshUrl needs ssh, which is not supported (libgit2 would start an external ssh program): set Handler:CloneUrl=CloneUrl (https), or add a Handler:CloneUrlRewrites entry from git@host: to an https:// URL.");
        }

        foreach (var (host, i) in options.CredentialHosts.Select((h, i) => (h, i)))
        {
            if (!CredentialPolicy.HostEntry.TryParse(host, out _))
            {
                errors.Add($"Handler:Git:CredentialHosts:{i} '{RemoteUrl.Redact(host)}' must be a host name, optionally with :port, e.g. ghe.example.com.");
            }
        }

        if (options.AllowInsecureCredentials && options.CredentialHosts.Count == 0)
        {
            errors.Add("Handler:Git:AllowInsecureCredentials applies to Handler:Git:CredentialHosts only: list the hosts that may receive the token over http, or unset it.");
        }

        if (options.FetchTimeout <= TimeSpan.Zero || options.FetchTimeout > TimeSpan.FromDays(1) || options.ConnectTimeout <= TimeSpan.Zero || options.ConnectTimeout > options.FetchTimeout)
        {
            errors.Add("Handler:Git:FetchTimeout must be positive and at most a day (default 00:05:00), and Handler:Git:ConnectTimeout positive and no more than it (default 00:00:30).");
        }

        if (options.MaxFetchBytes <= 0)
        {
            errors.Add("Handler:Git:MaxFetchBytes must be positive (default 1073741824, 1 GiB).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
