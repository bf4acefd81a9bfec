using K8sWebhookHandler.Cli;

// The environment is read here, at the edge, and nowhere else.
var environment = new Dictionary<string, string?>
{
    [CliSettings.UrlVariable] = Environment.GetEnvironmentVariable(CliSettings.UrlVariable),
    [CliSettings.TokenVariable] = Environment.GetEnvironmentVariable(CliSettings.TokenVariable),
};
using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
return await CliApp.RunAsync(args, environment, Console.Out, Console.Error, TimeProvider.System, interrupted.Token);
