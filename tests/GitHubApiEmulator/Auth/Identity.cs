namespace K8sWebhookHandler.GitHubApiEmulator.Auth;

/// <summary>How a request authenticated.</summary>
public enum IdentityKind
{
    /// <summary>No <c>Authorization</c> header.</summary>
    Anonymous,

    /// <summary>A personal access token registered with <see cref="Credentials.AddPersonalToken"/>.</summary>
    PersonalToken,

    /// <summary>A GitHub App's JWT (RS256, signed with the App's private key).</summary>
    App,

    /// <summary>An installation access token the emulator issued.</summary>
    Installation,
}

/// <summary>Who made a request, as the request log records it: <c>anonymous</c>, <c>user:octocat</c>, <c>app:42</c>, <c>installation:7</c>.</summary>
public sealed record Identity(IdentityKind Kind, string Name, long? AppId = null, long? InstallationId = null)
{
    public static readonly Identity Anonymous = new(IdentityKind.Anonymous, "anonymous");

    public override string ToString() => Kind switch
    {
        IdentityKind.Anonymous => "anonymous",
        IdentityKind.PersonalToken => $"user:{Name}",
        IdentityKind.App => $"app:{AppId}",
        _ => $"installation:{InstallationId}",
    };
}
