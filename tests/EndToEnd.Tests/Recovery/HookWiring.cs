using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.State;

namespace K8sWebhookHandler.EndToEnd.Tests.Recovery;

/// <summary>
/// One of the two ways GitHub sends the handler its deliveries and the handler reads GitHub's record of them: a
/// repository webhook per repository, read with a token, or the GitHub App's one hook, read with the App's JWT.
/// </summary>
public abstract class HookWiring : IDisposable
{
    /// <summary>Registers the handler's credentials with <paramref name="github"/>; returns the handler's settings that present them.</summary>
    public abstract IReadOnlyDictionary<string, string> Register(GitHubApiEmulatorServer github);

    /// <summary>Makes <paramref name="repository"/>'s deliveries go to <paramref name="webhook"/>; returns the hook that sends them.</summary>
    public abstract long Connect(GitHubApiEmulatorServer github, RepositoryRecord repository, Uri webhook, string secret);

    /// <summary>Makes a payload of <paramref name="repository"/> one this kind of hook sends.</summary>
    public virtual void Stamp(JsonObject payload, RepositoryRecord repository)
    {
    }

    /// <summary>The hook as <c>GET /api/recovery</c> lists it: its kind, id and repository (null for the App's).</summary>
    public abstract (string Kind, long HookId, string? Repository) Listed(long hookId, RepositoryRecord repository);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A repository webhook on each repository, read with a personal access token that may administer them.</summary>
public sealed class RepositoryHookWiring : HookWiring
{
    private const string Token = "ghp_end_to_end_recovery_token";

    public override IReadOnlyDictionary<string, string> Register(GitHubApiEmulatorServer github)
    {
        github.Credentials.AddPersonalToken(Token, "ci-bot");
        return new Dictionary<string, string> { ["Handler__GitHub__Token"] = Token };
    }

    public override long Connect(GitHubApiEmulatorServer github, RepositoryRecord repository, Uri webhook, string secret) =>
        github.Hooks.AddRepositoryHook(repository.FullName, webhook, secret);

    public override (string Kind, long HookId, string? Repository) Listed(long hookId, RepositoryRecord repository) =>
        ("repository", hookId, repository.FullName);
}

/// <summary>
/// A GitHub App installed on each repository (one installation per repository, its id the repository's), whose one
/// hook (made before the handler starts) sends every installation's deliveries; the handler reads it with the App's JWT.
/// </summary>
public sealed class AppHookWiring : HookWiring
{
    private const long AppId = 626_262;
    private readonly RSA _key = RSA.Create(2048);

    public override IReadOnlyDictionary<string, string> Register(GitHubApiEmulatorServer github)
    {
        var publicKey = RSA.Create(); // the emulator keeps it
        publicKey.ImportSubjectPublicKeyInfo(_key.ExportSubjectPublicKeyInfo(), out _);
        github.Catalog.RegisterApp(AppId, publicKey);
        // As on GitHub, the App has its webhook before the handler first starts; it points at the handler once that listens.
        github.Hooks.AddAppHook(AppId, new Uri("http://127.0.0.1:9/webhook"), "not-the-handler-yet");
        return new Dictionary<string, string>
        {
            ["Handler__GitHub__AppId"] = AppId.ToString(CultureInfo.InvariantCulture),
            ["Handler__GitHub__PrivateKey"] = _key.ExportRSAPrivateKeyPem(),
        };
    }

    public override long Connect(GitHubApiEmulatorServer github, RepositoryRecord repository, Uri webhook, string secret)
    {
        github.Catalog.AddInstallation(AppId, repository.Id, [repository.FullName]);
        return github.Hooks.AddAppHook(AppId, webhook, secret);
    }

    public override void Stamp(JsonObject payload, RepositoryRecord repository) => payload["installation"] = new JsonObject { ["id"] = repository.Id };

    /// <summary>GitHub lists the App's hook by the App, so the handler names it with id 0.</summary>
    public override (string Kind, long HookId, string? Repository) Listed(long hookId, RepositoryRecord repository) => ("app", 0, null);

    public override void Dispose()
    {
        _key.Dispose();
        base.Dispose();
    }
}
