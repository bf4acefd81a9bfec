using System.Net.Sockets;
using System.Text;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Redis;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port, in a data directory of its own. It can be killed
/// with SIGKILL and restarted on the same port and data, which is what the durability tests need.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _data = new("redis");
    private readonly bool _appendOnly;
    private RunningProcess? _process;

    private readonly IReadOnlyList<string> _configuration;

    private RedisServer(int port, bool appendOnly, string? password, IReadOnlyList<string> configuration)
    {
        Port = port;
        _appendOnly = appendOnly;
        Password = password;
        _configuration = configuration;
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis / Orleans connection string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public string DataDirectory => _data.Path;

    /// <summary>The password every client must give (<c>requirepass</c>), or null for none; never in <see cref="ConnectionString"/>.</summary>
    public string? Password { get; }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>
    /// Starts a server; <paramref name="appendOnly"/> (with <c>appendfsync always</c>) makes every acknowledged
    /// write survive a kill; with a <paramref name="password"/> every client must authenticate. <paramref name="configuration"/>:
    /// more settings as redis-server's arguments (<c>--maxmemory-policy noeviction</c>), after and over the fixture's own.
    /// </summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly = false, string? password = null, IReadOnlyList<string>? configuration = null)
    {
        var server = new RedisServer(Loopback.FreePort(), appendOnly, password, configuration ?? []);
        await server.RunAsync();
        return server;
    }

    /// <summary>Kills the server with SIGKILL, as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
        }
    }

    /// <summary>Starts the server again on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await RunAsync();
    }

    /// <summary>Sends one command over RESP and returns the raw reply, for tests that check the server itself.</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", Port);
        var stream = client.GetStream();
        var buffer = new byte[64 * 1024];
        if (Password is not null)
        {
            await stream.WriteAsync(Resp(["AUTH", Password]));
            var answer = Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer));
            if (answer != "+OK\r\n")
            {
                throw new InvalidOperationException($"redis refused the password: {answer}");
            }
        }

        await stream.WriteAsync(Resp(arguments));
        var read = await stream.ReadAsync(buffer);
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static byte[] Resp(string[] arguments)
    {
        var request = new StringBuilder().Append('*').Append(arguments.Length).Append("\r\n");
        foreach (var argument in arguments)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(argument)).Append("\r\n").Append(argument).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(request.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _data.Dispose();
    }

    private async Task RunAsync()
    {
        var executable = ProcessRunner.Which("redis-server")
            ?? throw new InvalidOperationException("redis-server is not installed: `apt-get install -y redis-server` (scripts/test.sh does this as root or through sudo)");
        _process = RunningProcess.Start(executable,
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", _data.Path,
            "--save", "",
            "--appendonly", _appendOnly ? "yes" : "no",
            // everysec may postpone the write behind a slow fsync and still answer: a SIGKILL then loses acknowledged writes.
            "--appendfsync", "always",
            "--daemonize", "no",
            "--protected-mode", "yes",
            .. Password is null ? Array.Empty<string>() : ["--requirepass", Password],
            .. _configuration,
        ]);
        await _process.WaitForLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal), StartTimeout);
    }
}
