using System.Security.Cryptography;

namespace K8sWebhookHandler.GitHubApiEmulator.State;

/// <summary>A repository the emulator knows; names compare without case, as GitHub's do.</summary>
public sealed record RepositoryRecord(long Id, string Owner, string Name, bool Private)
{
    public string FullName => $"{Owner}/{Name}";
}

/// <summary>A GitHub App: its id, slug and the public half of the key its JWTs are signed with.</summary>
public sealed record AppRecord(long Id, string Slug, string Name, string OwnerLogin, RSA PublicKey);

/// <summary>
/// An installation of an App on an account, for some of its repositories, with the permissions the App was granted
/// (<c>checks</c>, <c>statuses</c>, <c>contents</c>, <c>metadata</c> → <c>read</c> or <c>write</c>).
/// </summary>
public sealed record InstallationRecord(long Id, long AppId, string Account, IReadOnlyList<string> Repositories, IReadOnlyDictionary<string, string> Permissions)
{
    public bool Covers(string fullName) => Repositories.Contains(fullName, StringComparer.OrdinalIgnoreCase);
}

/// <summary>The accounts, repositories, Apps and installations the emulator serves. Thread-safe.</summary>
public sealed class Catalog
{
    /// <summary>What an installation may do unless a test says otherwise: what the handler needs.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultPermissions = new Dictionary<string, string>
    {
        ["checks"] = "write",
        ["statuses"] = "write",
        ["contents"] = "read",
        ["metadata"] = "read",
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RepositoryRecord> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, AppRecord> _apps = [];
    private readonly Dictionary<long, InstallationRecord> _installations = [];
    private long _nextRepositoryId = 1_296_269;

    public RepositoryRecord AddRepository(string owner, string name, bool isPrivate = false)
    {
        lock (_gate)
        {
            var record = new RepositoryRecord(_nextRepositoryId++, owner, name, isPrivate);
            _repositories[record.FullName] = record;
            return record;
        }
    }

    /// <summary>Registers a GitHub App whose JWTs <paramref name="publicKey"/> verifies.</summary>
    public AppRecord RegisterApp(long id, RSA publicKey, string slug = "k8s-webhook-handler", string ownerLogin = "octo-org")
    {
        var app = new AppRecord(id, slug, slug, ownerLogin, publicKey);
        lock (_gate)
        {
            _apps[id] = app;
        }

        return app;
    }

    /// <summary>Installs App <paramref name="appId"/> on the owner of <paramref name="repositories"/> (full names, which must exist).</summary>
    public InstallationRecord AddInstallation(long appId, long installationId, IReadOnlyList<string> repositories, IReadOnlyDictionary<string, string>? permissions = null)
    {
        lock (_gate)
        {
            if (!_apps.ContainsKey(appId) || repositories.Any(r => !_repositories.ContainsKey(r)))
            {
                throw new ArgumentException($"App {appId} and repositories {string.Join(", ", repositories)} must be registered first");
            }

            var account = repositories.Count > 0 ? _repositories[repositories[0]].Owner : "octo-org";
            var installation = new InstallationRecord(installationId, appId, account, repositories, permissions ?? DefaultPermissions);
            _installations[installationId] = installation;
            return installation;
        }
    }

    public RepositoryRecord? Repository(string owner, string name)
    {
        lock (_gate)
        {
            return _repositories.GetValueOrDefault($"{owner}/{name}");
        }
    }

    public AppRecord? App(long id)
    {
        lock (_gate)
        {
            return _apps.GetValueOrDefault(id);
        }
    }

    public InstallationRecord? Installation(long id)
    {
        lock (_gate)
        {
            return _installations.GetValueOrDefault(id);
        }
    }

    /// <summary>The installation of App <paramref name="appId"/> that covers <paramref name="fullName"/>, if any.</summary>
    public InstallationRecord? InstallationFor(long appId, string fullName)
    {
        lock (_gate)
        {
            return _installations.Values.FirstOrDefault(i => i.AppId == appId && i.Covers(fullName));
        }
    }
}
