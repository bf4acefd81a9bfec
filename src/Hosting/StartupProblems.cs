using K8sWebhookHandler.Grains.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sWebhookHandler.Hosting;

public static class StartupProblems
{
    /// <summary>The exit code of a program that refuses to start because of its settings.</summary>
    public const int ExitCode = 2;

    /// <summary>
    /// Runs the <see cref="StartupCheck"/> over <paramref name="addServices"/> and prints each problem on
    /// <paramref name="error"/> as "<paramref name="program"/> cannot start: …".
    /// </summary>
    /// <returns>Whether the program can start: false when any problem was printed.</returns>
    public static bool CanStart(this IConfiguration configuration, string program, Action<IServiceCollection> addServices, TextWriter error)
    {
        var problems = StartupCheck.Problems(configuration, addServices);
        foreach (var problem in problems)
        {
            error.WriteLine($"{program} cannot start: {problem}");
        }

        return problems.Count == 0;
    }
}
