using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// The repository a mirror's fetches run in: <c>staging/</c> inside the mirror, a bare repository that reads the
/// mirror's objects through <c>objects/info/alternates</c> and whose only refs are the few commits offered to the
/// server as "have", each grafted to be a root (<c>info/grafts</c>).
/// <para>
/// Why: libgit2 (1.8) offers a "have" for every commit its walk of the fetching repository's refs finds, and after
/// each 20 it flushes and waits for the server's acknowledgements before it sends "done". Fetched into the mirror,
/// whose refs reach its whole history, every fetch took that second round, and the server's acknowledgements then
/// waited for the client's delayed ACK (40 ms on Linux loopback). Here the walk ends at the grafts: at most
/// <see cref="MaxHaves"/> lines and "done" in one write, one round, however long the history.
/// </para>
/// <para>
/// The server sends what the wants reach and the haves do not. Every have is a commit of the mirror, which holds the
/// whole history behind it, so nothing is missing afterwards; the new packs move into the mirror and the fetched refs
/// are copied there. The mirror itself is never grafted or shallow: ancestry asked of it stays exact.
/// </para>
/// </summary>
internal static class FetchStaging
{
    /// <summary>Fewer than libgit2's 20 haves per round, so the first write also carries "done".</summary>
    internal const int MaxHaves = 16;

    private const string Directory = "staging";
    private const string HavePrefix = "refs/haves/";

    /// <summary>
    /// Fetches <paramref name="refSpecs"/> from <paramref name="remoteUrl"/> into the mirror at
    /// <paramref name="mirrorPath"/> through its staging repository; returns the refs the fetch wrote, by name.
    /// </summary>
    public static IReadOnlyDictionary<string, ObjectId> Fetch(Repository mirror, string mirrorPath, string remoteUrl, IReadOnlyList<string> refSpecs, FetchOptions options)
    {
        var path = Path.Combine(mirrorPath, Directory);
        var haves = Haves(mirror, refSpecs);

        // The grafts are read when the repository is opened, so they are written first.
        Create(path, remoteUrl);
        File.WriteAllLines(Path.Combine(path, "info", "grafts"), haves.Select(h => h.Sha));
        Dictionary<string, ObjectId> fetched;
        using (var staging = new Repository(path))
        {
            Offer(staging, haves);
            Commands.Fetch(staging, "origin", refSpecs, options, logMessage: null);
            fetched = staging.Refs
                .OfType<DirectReference>()
                .Where(r => !r.CanonicalName.StartsWith(HavePrefix, StringComparison.Ordinal))
                .ToDictionary(r => r.CanonicalName, r => new ObjectId(r.TargetIdentifier), StringComparer.Ordinal);
        }

        // Closed first: its packs move while nothing holds them open.
        MovePacks(path, mirrorPath);
        foreach (var (name, id) in fetched)
        {
            mirror.Refs.Add(name, id, allowOverwrite: true);
        }

        return fetched;
    }

    /// <summary>
    /// The commits offered as "have": the mirror's tips of the refs being fetched, then its newest other branch tips,
    /// at most <see cref="MaxHaves"/>. The branch just pushed to is usually the first one, and its tip is the parent of
    /// what is fetched.
    /// </summary>
    private static List<ObjectId> Haves(Repository mirror, IReadOnlyList<string> refSpecs)
    {
        var fetched = refSpecs.Select(s => s.TrimStart('+').Split(':') is [_, var destination] ? destination : null)
            .OfType<string>()
            .Where(d => !d.Contains('*', StringComparison.Ordinal))
            .Select(d => mirror.Refs[d])
            .OfType<Reference>();
        var newest = mirror.Refs.FromGlob("refs/heads/*")
            .Select(Tip)
            .OfType<Commit>()
            .OrderByDescending(c => c.Committer.When);
        return fetched.Select(Tip).OfType<Commit>().Concat(newest)
            .Select(c => c.Id)
            .Distinct()
            .Take(MaxHaves)
            .ToList();

        Commit? Tip(Reference reference) => reference.ResolveToDirectReference()?.Target switch
        {
            Commit commit => commit,
            TagAnnotation tag => tag.Target as Commit,
            _ => null,
        };
    }

    private static void Create(string path, string remoteUrl)
    {
        if (Repository.IsValid(path))
        {
            return;
        }

        // Relative, so the data directory may move: libgit2 resolves it against staging/objects.
        Repository.Init(path, isBare: true);
        File.WriteAllText(Path.Combine(path, "objects", "info", "alternates"), "../../objects\n");

        // The mirror is keyed by the URL, so origin only ever holds that URL (never credentials: the policy refuses
        // them). Without a fetch refspec of its own, libgit2 writes only the refs a fetch names, no remote-tracking ones.
        using var staging = new Repository(path);
        staging.Network.Remotes.Add("origin", remoteUrl);
        staging.Network.Remotes.Update("origin", remote => remote.FetchRefSpecs.Clear());
    }

    /// <summary>Leaves the haves as the staging repository's only refs: what an earlier fetch wrote goes.</summary>
    private static void Offer(Repository staging, List<ObjectId> haves)
    {
        foreach (var reference in staging.Refs.ToList())
        {
            staging.Refs.Remove(reference);
        }

        for (var i = 0; i < haves.Count; i++)
        {
            staging.Refs.Add(HavePrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), haves[i]);
        }
    }

    /// <summary>
    /// Moves the packs a fetch wrote (and any an interrupted one left) into the mirror: each pack's other files
    /// before its index, since a reader takes a pack to exist once its <c>.idx</c> does.
    /// </summary>
    private static void MovePacks(string stagingPath, string mirrorPath)
    {
        var from = Path.Combine(stagingPath, "objects", "pack");
        var to = Path.Combine(mirrorPath, "objects", "pack");
        foreach (var index in System.IO.Directory.GetFiles(from, "pack-*.idx"))
        {
            var name = Path.GetFileNameWithoutExtension(index);
            foreach (var file in System.IO.Directory.GetFiles(from, name + ".*").OrderBy(f => f == index))
            {
                var target = Path.Combine(to, Path.GetFileName(file));
                if (File.Exists(target))
                {
                    // Packs are named by their content: the mirror already has this one.
                    File.Delete(file);
                }
                else
                {
                    File.Move(file, target);
                }
            }
        }
    }
}
