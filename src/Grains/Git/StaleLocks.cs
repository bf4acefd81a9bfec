namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// libgit2 writes a ref, the packed refs or the config through a lock file beside it (<c>refs/heads/main.lock</c>,
/// created exclusively, renamed into place) and removes it again, also on an error. Only a process that dies in
/// between (SIGKILL, out of memory, power loss) leaves one behind, and every later write of that file then fails:
/// a fetch of that one ref would fail on every retry, for as long as the mirror lives. Lock files are therefore removed
/// before a process first uses a mirror, while it holds the mirror's gate: no operation of this process can be under
/// way, and the mirrors belong to this process alone (the data directory is not shared).
/// </summary>
internal static class StaleLocks
{
    /// <summary>Removes every <c>*.lock</c> file in the mirror at <paramref name="mirrorPath"/>, its staging repository included; returns their paths.</summary>
    public static IReadOnlyList<string> Remove(string mirrorPath)
    {
        if (!Directory.Exists(mirrorPath))
        {
            return [];
        }

        // A ref's name never ends in ".lock" (git refuses it, and so does GitRef): every such file is a lock.
        var locks = Directory.GetFiles(mirrorPath, "*.lock", SearchOption.AllDirectories);
        foreach (var file in locks)
        {
            File.Delete(file);
        }

        return locks;
    }
}
