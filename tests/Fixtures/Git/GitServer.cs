using System.Globalization;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Git;

/// <summary>
/// A real git server on loopback: <c>git daemon</c> for <c>git://</c> and <c>git http-backend</c> for smart
/// HTTP, both over the same directory of bare repositories that tests create and push to with the git CLI.
/// </summary>
public sealed class GitServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _root;
    private readonly RunningProcess _daemon;
    private readonly GitHttpBackend _http;
    private readonly int _daemonPort;

    private GitServer(TempDirectory root, RunningProcess daemon, int daemonPort, GitHttpBackend http)
    {
        _root = root;
        _daemon = daemon;
        _daemonPort = daemonPort;
        _http = http;
    }

    /// <summary>The directory that holds the bare repositories, as <c>owner/name.git</c>.</summary>
    public string Root => _root.Combine("repositories");

    /// <summary>Starts both servers; with <paramref name="requiredHttpToken"/>, HTTP asks for that token as a password.</summary>
    public static Task<GitServer> StartAsync(string? requiredHttpToken = null) =>
        StartAsync(requiredHttpToken is null ? null : (_, password) => password == requiredHttpToken);

    /// <summary>
    /// Starts both servers; with <paramref name="authorizeHttp"/>, HTTP asks for basic authentication and lets in a request
    /// for the repository <c>owner/name</c> (the first argument) only when it accepts the password (the second), the way
    /// GitHub takes a token scoped to some repositories. <c>git://</c> stays open.
    /// </summary>
    public static async Task<GitServer> StartAsync(Func<string, string, bool>? authorizeHttp)
    {
        var root = new TempDirectory("git-server");
        var repositories = Directory.CreateDirectory(Path.Combine(root.Path, "repositories")).FullName;
        var port = Loopback.FreePort();
        var daemon = RunningProcess.Start("git",
        [
            "daemon", "--verbose", "--export-all", "--reuseaddr", "--informative-errors",
            $"--base-path={repositories}", $"--port={port.ToString(CultureInfo.InvariantCulture)}", "--listen=127.0.0.1",
            repositories,
        ]);
        try
        {
            await daemon.WaitForLineAsync(line => line.Contains("Ready to rumble", StringComparison.Ordinal), StartTimeout);
            var http = await GitHttpBackend.StartAsync(repositories, authorizeHttp);
            return new GitServer(root, daemon, port, http);
        }
        catch
        {
            await daemon.DisposeAsync();
            root.Dispose();
            throw;
        }
    }

    /// <summary><c>git://127.0.0.1:PORT/</c>: the prefix to allow in <c>Handler:Git:AllowedRemotes</c>.</summary>
    public Uri GitRoot => new($"git://127.0.0.1:{_daemonPort}/");

    /// <summary><c>http://127.0.0.1:PORT/</c></summary>
    public Uri HttpRoot => _http.BaseUri;

    /// <summary><c>git://127.0.0.1:PORT/owner/name.git</c></summary>
    public Uri GitUrl(string fullName) => new($"git://127.0.0.1:{_daemonPort}/{fullName}.git");

    /// <summary><c>http://127.0.0.1:PORT/owner/name.git</c></summary>
    public Uri HttpUrl(string fullName) => new(_http.BaseUri, $"{fullName}.git");

    /// <summary>Creates an empty bare repository <c>owner/name</c> and a working clone to commit from.</summary>
    public async Task<GitRepository> CreateRepositoryAsync(string fullName, string defaultBranch = "main")
    {
        var bare = Path.Combine(Root, fullName + ".git");
        Directory.CreateDirectory(bare);
        await Git.RunAsync(bare, "init", "-q", "--bare", $"--initial-branch={defaultBranch}");
        await ConfigureServedAsync(bare);

        var work = _root.Combine("work", fullName);
        Directory.CreateDirectory(work);
        await Git.RunAsync(work, "init", "-q", $"--initial-branch={defaultBranch}");
        await Git.RunAsync(work, "remote", "add", "origin", bare);
        return new GitRepository(fullName, bare, work, defaultBranch);
    }

    /// <summary>
    /// Forks <paramref name="baseRepository"/> as <paramref name="forkFullName"/>: a second bare repository cloned from the
    /// base's (all its branches and tags, no pull refs), and a working clone of the fork to commit on its branches with
    /// <see cref="GitRepository.CommitAsync"/>; a new branch there starts from the default branch.
    /// </summary>
    public async Task<GitRepository> CreateForkAsync(GitRepository baseRepository, string forkFullName)
    {
        var bare = Path.Combine(Root, forkFullName + ".git");
        Directory.CreateDirectory(Path.GetDirectoryName(bare)!);
        await Git.RunAsync(Root, "clone", "-q", "--bare", baseRepository.BarePath, bare);
        await ConfigureServedAsync(bare);

        var work = _root.Combine("work", forkFullName);
        Directory.CreateDirectory(Path.GetDirectoryName(work)!);
        await Git.RunAsync(Root, "clone", "-q", bare, work);
        return new GitRepository(forkFullName, bare, work, baseRepository.DefaultBranch);
    }

    // A fetch by SHA (a revision that is no longer a branch tip) must work, as it does on GitHub.
    private static async Task ConfigureServedAsync(string bare)
    {
        await Git.RunAsync(bare, "config", "uploadpack.allowAnySHA1InWant", "true");
        await Git.RunAsync(bare, "config", "http.receivepack", "true");
    }

    public async ValueTask DisposeAsync()
    {
        await _http.DisposeAsync();
        await _daemon.DisposeAsync();
        _root.Dispose();
    }
}
