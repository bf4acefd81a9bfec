using K8sWebhookHandler.Testing.Processes;

namespace K8sWebhookHandler.Testing.Git;

/// <summary>The git CLI with a fixed identity and no user or system configuration, so runs are repeatable.</summary>
internal static class Git
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["GIT_AUTHOR_NAME"] = "Test Author",
        ["GIT_AUTHOR_EMAIL"] = "author@example.com",
        ["GIT_COMMITTER_NAME"] = "Test Committer",
        ["GIT_COMMITTER_EMAIL"] = "committer@example.com",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_TERMINAL_PROMPT"] = "0",
    };

    public static async Task<string> RunAsync(string workingDirectory, params string[] arguments) =>
        (await ProcessRunner.RunCheckedAsync("git", arguments, workingDirectory, environment: Environment)).Trim();

    public static Task<CommandResult> TryAsync(string workingDirectory, params string[] arguments) =>
        ProcessRunner.RunAsync("git", arguments, workingDirectory, environment: Environment);
}
