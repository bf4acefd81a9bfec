using System.Buffers.Binary;
using LibGit2Sharp;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>
/// Keeps a mirror's packs few. Every fetch adds a pack, and libgit2 looks an object up in one pack after another: a
/// miss, which every new revision is, reads all their indexes. After a thousand fetches into one mirror a fetch took
/// three times as long. Once a mirror holds more than <see cref="MaxPacks"/> packs, its smaller ones are written as one,
/// the way <c>git repack --geometric=2</c> chooses them: afterwards each pack has at least twice the objects of the next
/// smaller one, so the packs stay about log₂ of the objects fetched, and an object is rewritten a few times over the
/// mirror's life. The largest pack (mostly the first fetch's) is never rewritten. Runs with the mirror closed.
/// </summary>
internal static class MirrorPacks
{
    /// <summary>Up to this many packs nothing is rewritten.</summary>
    internal const int MaxPacks = 8;
    private const int Factor = 2;

    /// <summary>Writes the mirror's smaller packs as one when it holds too many; false when nothing needed doing.</summary>
    public static bool Consolidate(string mirrorPath)
    {
        var directory = Path.Combine(mirrorPath, "objects", "pack");
        var packs = Directory.Exists(directory) ? PackIndex.All(directory) : [];
        if (packs.Count <= MaxPacks || SmallerRun(packs) is not { Count: >= 2 } merged)
        {
            return false;
        }

        var ids = merged.SelectMany(p => p.ObjectIds()).ToHashSet();
        using (var repo = new Repository(mirrorPath))
        {
            repo.ObjectDatabase.Pack(new PackBuilderOptions(directory) { MaximumNumberOfThreads = 1 }, builder =>
            {
                foreach (var id in ids)
                {
                    builder.Add(id);
                }
            });
        }

        // Packs are named by their content: the new one is the index that was not there before, holding every object.
        var written = PackIndex.All(directory).Where(p => !packs.Any(old => old.IndexPath == p.IndexPath)).ToList();
        if (written is not [{ } pack] || pack.Count != ids.Count)
        {
            throw new IOException($"the consolidated pack in {directory} does not hold the {ids.Count} objects of the {merged.Count} packs it replaces");
        }

        merged.ForEach(p => p.Delete());
        return true;
    }

    /// <summary>
    /// The packs to write as one, smallest first: those below the point from which each pack has at least twice the
    /// objects of the one before, and then as many more as the merged pack would otherwise outgrow.
    /// </summary>
    private static List<PackIndex> SmallerRun(List<PackIndex> ascending)
    {
        var candidates = ascending[..^1];
        var split = 0;
        for (var i = candidates.Count - 1; i > 0; i--)
        {
            if (candidates[i - 1].Count * Factor > candidates[i].Count)
            {
                split = i;
                break;
            }
        }

        var total = candidates.Take(split).Sum(p => p.Count);
        while (split < candidates.Count && candidates[split].Count < total * Factor)
        {
            total += candidates[split++].Count;
        }

        return candidates[..split];
    }

    /// <summary>A pack's version-2 index (<c>.idx</c>), which libgit2 and git write: its object count and ids.</summary>
    private sealed record PackIndex(string IndexPath, long Count)
    {
        private const int Header = 8;
        private const int Fanout = 256 * 4;
        private const int IdSize = 20;
        private static readonly byte[] Magic = [0xff, (byte)'t', (byte)'O', (byte)'c', 0, 0, 0, 2];

        /// <summary>The readable indexes of the packs in <paramref name="directory"/>, fewest objects first.</summary>
        public static List<PackIndex> All(string directory) =>
            [.. Directory.GetFiles(directory, "pack-*.idx").Select(Read).OfType<PackIndex>().OrderBy(p => p.Count)];

        public IEnumerable<ObjectId> ObjectIds()
        {
            var bytes = File.ReadAllBytes(IndexPath);
            for (var i = 0; i < Count; i++)
            {
                yield return new ObjectId(bytes.AsSpan(Header + Fanout + (i * IdSize), IdSize).ToArray());
            }
        }

        /// <summary>Removes the index first: a pack without one is invisible, an index without its pack is an error.</summary>
        public void Delete()
        {
            File.Delete(IndexPath);
            var name = Path.GetFileNameWithoutExtension(IndexPath);
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(IndexPath)!, name + ".*"))
            {
                File.Delete(file);
            }
        }

        /// <summary>Null for an index of another version, without its pack, or of a pack marked to keep: such a pack is left alone.</summary>
        private static PackIndex? Read(string path)
        {
            if (!File.Exists(Path.ChangeExtension(path, ".pack")) || File.Exists(Path.ChangeExtension(path, ".keep")))
            {
                return null;
            }

            using var file = File.OpenRead(path);
            Span<byte> head = stackalloc byte[Header + Fanout];
            if (file.Length < Header + Fanout || file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length || !head[..Header].SequenceEqual(Magic))
            {
                return null;
            }

            var count = BinaryPrimitives.ReadUInt32BigEndian(head[(Header + Fanout - 4)..]);
            return file.Length >= Header + Fanout + (count * (long)IdSize) ? new PackIndex(path, count) : null;
        }
    }
}
