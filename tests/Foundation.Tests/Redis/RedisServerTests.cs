using System.Diagnostics;
using K8sWebhookHandler.Testing.Redis;

namespace K8sWebhookHandler.Foundation.Tests.Redis;

/// <summary>The Redis fixture runs Debian's redis-server for real: it answers, dies on SIGKILL and comes back.</summary>
public sealed class RedisServerTests
{
    [Fact]
    public async Task Start_AnswersOnItsLoopbackPort()
    {
        await using var redis = await RedisServer.StartAsync();

        Assert.Equal("+PONG\r\n", await redis.CommandAsync("PING"));
        Assert.StartsWith("127.0.0.1:", redis.ConnectionString);
    }

    [Fact]
    public async Task WithAPassword_RefusesAClientThatGivesNone_AndAnswersOneThatGivesIt()
    {
        await using var redis = await RedisServer.StartAsync(password: "p,a=ss word");
        using var anonymous = new System.Net.Sockets.TcpClient();
        await anonymous.ConnectAsync("127.0.0.1", redis.Port);
        await anonymous.GetStream().WriteAsync("PING\r\n"u8.ToArray());
        var buffer = new byte[256];
        var refusal = System.Text.Encoding.UTF8.GetString(buffer, 0, await anonymous.GetStream().ReadAsync(buffer));

        Assert.StartsWith("-NOAUTH", refusal);
        Assert.Equal("+PONG\r\n", await redis.CommandAsync("PING"));
        Assert.DoesNotContain("p,a=ss", redis.ConnectionString);
    }

    [Fact]
    public async Task KillAndRestart_WithAppendOnly_KeepsAcknowledgedWrites()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        Assert.Equal("+OK\r\n", await redis.CommandAsync("SET", "delivery", "72d3162e"));
        var firstPid = redis.ProcessId!.Value;

        await redis.KillAsync();
        var whileDown = await Record.ExceptionAsync(() => redis.CommandAsync("PING"));
        await redis.RestartAsync();

        Assert.NotNull(whileDown);
        Assert.NotEqual(firstPid, redis.ProcessId);
        Assert.Equal("$8\r\n72d3162e\r\n", await redis.CommandAsync("GET", "delivery"));
    }

    [Fact]
    public async Task KillAndRestart_WithoutPersistence_StartsEmpty()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: false);
        await redis.CommandAsync("SET", "k", "v");

        await redis.RestartAsync();

        Assert.Equal("$-1\r\n", await redis.CommandAsync("GET", "k"));
    }

    [Fact]
    public async Task Dispose_StopsTheProcessAndRemovesItsData()
    {
        var redis = await RedisServer.StartAsync();
        var pid = redis.ProcessId!.Value;
        var data = redis.DataDirectory;

        await redis.DisposeAsync();

        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        Assert.False(Directory.Exists(data));
    }
}
