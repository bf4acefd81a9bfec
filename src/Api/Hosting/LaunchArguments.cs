namespace K8sWebhookHandler.Api.Hosting;

/// <summary>
/// <c>dotnet run</c> passes <c>--default-environment Development</c> first (the project's <c>RunArguments</c>), so
/// that the README's first command runs the local mode with its embedded development defaults. It is only a
/// default: <c>ASPNETCORE_ENVIRONMENT</c> or <c>DOTNET_ENVIRONMENT</c>, when set, wins, and a published program
/// started without it runs as Production.
/// </summary>
public static class LaunchArguments
{
    private const string DefaultEnvironment = "--default-environment";

    /// <summary>The arguments without the default, and the environment to use (null: the host's own rules).</summary>
    public static (string[] Args, string? Environment) Split(string[] args, Func<string, string?> environmentVariable)
    {
        if (args is not [DefaultEnvironment, var name, .. var rest])
        {
            return (args, null);
        }

        var chosen = environmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } || environmentVariable("DOTNET_ENVIRONMENT") is { Length: > 0 };
        return (rest, chosen ? null : name);
    }
}
