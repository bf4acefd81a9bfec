using K8sWebhookHandler.GitHubApiEmulator;
using K8sWebhookHandler.GitHubApiEmulator.Description;

// dotnet run --project tests/GitHubApiEmulator -- --urls http://127.0.0.1:PORT [--description FILE] [--token TOKEN]
//   [--repository OWNER/NAME]... [--app-id ID --app-public-key PEMFILE --installation-id ID] [--token-lifetime-seconds N]
// Everything else is set up over /_emulator/* (see AdminEndpoints).
var urls = Argument(args, "--urls") ?? "http://127.0.0.1:8002";
var description = ApiDescription.Load(Argument(args, "--description"));
await using var emulator = await GitHubApiEmulatorServer.StartAsync(urls, description);
StandaloneSetup.Apply(emulator, args);

Console.WriteLine($"GitHub API emulator listening on {emulator.BaseUri} ({description.Operations.Count} operations described, {emulator.Endpoints.OperationIds.Count} served)");
await emulator.WaitForShutdownAsync();

static string? Argument(string[] args, string name) => StandaloneSetup.Arguments(args, name).LastOrDefault();
