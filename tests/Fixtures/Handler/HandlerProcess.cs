using System.Globalization;
using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Handler;

/// <summary>Which program of the project to run.</summary>
public enum HandlerComponent
{
    /// <summary>src/Api: the webhook intake (local mode or a cluster client).</summary>
    Api,

    /// <summary>src/Silo: a silo of the cluster.</summary>
    Silo,
}

/// <summary>
/// The handler (src/Api, local all-in-one mode) as its own process, configured through environment variables
/// as an operator would, on free loopback ports, with a data directory that survives a kill and a restart.
/// </summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Dictionary<string, string> _environment;
    private readonly TempDirectory _data = new("handler-data");
    private RunningProcess? _process;

    private readonly HandlerComponent _component;

    private HandlerProcess(Dictionary<string, string> environment, int port, HandlerComponent component)
    {
        _environment = environment;
        _component = component;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        ManagementUri = new Uri(environment[ManagementUrls].Split(';')[0].TrimEnd('/') + "/");
    }

    /// <summary>The setting that names the management listener's URLs.</summary>
    public const string ManagementUrls = "Handler__Management__Urls";

    /// <summary>The public listener: the webhook and the health probes.</summary>
    public Uri BaseUri { get; }

    /// <summary>The management listener: inspection, metrics, the dashboard (first of its URLs, a free loopback port unless a setting names it).</summary>
    public Uri ManagementUri { get; }

    public string DataDirectory => _data.Path;

    public string Log => _process?.Log ?? "";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Waits until the log satisfies <paramref name="holds"/>: console output trails the answers it describes.</summary>
    public Task WaitForLogAsync(Func<string, bool> holds, TimeSpan timeout) =>
        _process?.WaitForLogAsync(holds, timeout) ?? throw new InvalidOperationException("the handler has not been started");

    /// <summary>The operating system's id of the running process, e.g. to read its memory from <c>/proc</c>.</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the handler has not been started");

    /// <param name="settings">Extra environment variables, e.g. <c>WEBHOOK_SECRET</c>, <c>KUBECONFIG</c>, <c>Handler__X</c>.</param>
    /// <param name="component">The Api (default) or a silo.</param>
    public static async Task<HandlerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, HandlerComponent component = HandlerComponent.Api)
    {
        // A port free a moment ago may be taken before the process binds it (another process's outgoing connection
        // gets ports from the same range): the process then exits saying so, and starts again on other ports.
        for (var attempt = 1; ; attempt++)
        {
            var handler = Create(settings, component);
            try
            {
                await handler.RunAsync();
                return handler;
            }
            catch (InvalidOperationException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await handler.DisposeAsync();
            }
        }
    }

    private static HandlerProcess Create(IReadOnlyDictionary<string, string> settings, HandlerComponent component)
    {
        var port = Loopback.FreePort();
        var environment = new Dictionary<string, string>(settings)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Handler__Local__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Handler__Local__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        environment.TryAdd(ManagementUrls, $"http://127.0.0.1:{Loopback.FreePort()}");
        var handler = new HandlerProcess(environment, port, component);
        environment["Handler__DataDirectory"] = handler.DataDirectory;
        return handler;
    }

    /// <summary>
    /// Waits until <c>/readyz</c> reports the warm-up passed, whatever the other checks say (a test may have taken the
    /// API server down on purpose). Asks again every <paramref name="interval"/> (default 50 ms), as a readiness probe
    /// is polled; fails with the last answer once <see cref="StartTimeout"/> has passed, or at once if the process exits.
    /// </summary>
    public async Task WaitUntilWarmAsync(TimeSpan? interval = null)
    {
        using var http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < StartTimeout && IsRunning)
        {
            using (var response = await http.GetAsync("/readyz"))
            {
                last = await response.Content.ReadAsStringAsync();
                if (System.Text.Json.Nodes.JsonNode.Parse(last)?["checks"]?["warm-up"]?["status"]?.GetValue<string>() == "Healthy")
                {
                    return;
                }
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50));
        }

        throw new TimeoutException($"the {_component} did not finish its warm-up within {StartTimeout} (running: {IsRunning}); /readyz last answered {last}\n{Log}");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.KillAsync();
        }
    }

    /// <summary>SIGTERM, as a rolling restart stops a pod: the host shuts down gracefully, and grains deactivate and write.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(StartTimeout);
        }
    }

    /// <summary>Starts the process again with the same settings, ports and data directory.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        await RunAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _data.Dispose();
    }

    /// <summary>The built assembly of a component, from the same build configuration as the running tests.</summary>
    public static string AssemblyPath(HandlerComponent component = HandlerComponent.Api)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(RepositoryPaths.Root, "src", component.ToString(), "bin", configuration, "net10.0", $"K8sWebhookHandler.{component}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build src/{component} first: {path} does not exist");
    }

    private async Task RunAsync()
    {
        var assembly = AssemblyPath(_component);
        _process = RunningProcess.Start("dotnet", [assembly], Path.GetDirectoryName(assembly), _environment);
        await _process.WaitForLineAsync(line => line.Contains("Now listening on", StringComparison.Ordinal), StartTimeout);
    }
}
