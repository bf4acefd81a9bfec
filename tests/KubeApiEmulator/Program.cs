using System.Runtime.InteropServices;
using K8sWebhookHandler.KubeApiEmulator;

// dotnet run --project tests/KubeApiEmulator -- --urls http://127.0.0.1:PORT --kubeconfig PATH
var urls = Argument(args, "--urls") ?? "http://127.0.0.1:8001";
var kubeconfig = Argument(args, "--kubeconfig");

await using var emulator = await KubeApiEmulatorServer.StartAsync(urls);
if (kubeconfig is not null)
{
    emulator.WriteKubeconfig(kubeconfig);
}

Console.WriteLine($"Kubernetes API emulator listening on {emulator.BaseUri}" + (kubeconfig is null ? "" : $", kubeconfig {kubeconfig}"));
var stop = new TaskCompletionSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
await stop.Task;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.TrySetResult();
}

static string? Argument(string[] args, string name)
{
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == name && i + 1 < args.Length)
        {
            return args[i + 1];
        }

        if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
        {
            return args[i][(name.Length + 1)..];
        }
    }

    return null;
}
