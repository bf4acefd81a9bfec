using System.Globalization;
using System.Security.Cryptography;

namespace K8sWebhookHandler.GitHubApiEmulator;

/// <summary>The standalone emulator's set-up from its command line: repositories, a token, an App and its installation.</summary>
public static class StandaloneSetup
{
    public static void Apply(GitHubApiEmulatorServer emulator, string[] args)
    {
        var repositories = Arguments(args, "--repository").ToArray();
        foreach (var repository in repositories)
        {
            var slash = repository.IndexOf('/', StringComparison.Ordinal);
            emulator.Catalog.AddRepository(repository[..slash], repository[(slash + 1)..]);
        }

        foreach (var token in Arguments(args, "--token"))
        {
            emulator.Credentials.AddPersonalToken(token);
        }

        if (Arguments(args, "--token-lifetime-seconds").LastOrDefault() is { } seconds)
        {
            emulator.Credentials.InstallationTokenLifetime = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
        }

        if (Arguments(args, "--app-id").LastOrDefault() is { } appId && Arguments(args, "--app-public-key").LastOrDefault() is { } keyFile)
        {
            var key = RSA.Create();
            key.ImportFromPem(File.ReadAllText(keyFile));
            var id = long.Parse(appId, CultureInfo.InvariantCulture);
            emulator.Catalog.RegisterApp(id, key);
            var installation = Arguments(args, "--installation-id").LastOrDefault() ?? "1";
            emulator.Catalog.AddInstallation(id, long.Parse(installation, CultureInfo.InvariantCulture), repositories);
        }
    }

    /// <summary>Every value of <paramref name="name"/>, given as <c>--name value</c> or <c>--name=value</c>.</summary>
    public static IEnumerable<string> Arguments(string[] args, string name)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == name && i + 1 < args.Length)
            {
                yield return args[i + 1];
            }
            else if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
            {
                yield return args[i][(name.Length + 1)..];
            }
        }
    }
}
