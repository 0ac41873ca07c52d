using Serverless.Core.Media;

namespace Serverless.Media;

/// <summary>
/// Reads a GIF's block structure: counts its frames and rewrites it without comment blocks and
/// application blocks other than the looping ones (XMP and other metadata travel in those), so an
/// animated GIF can be served as uploaded, pixel for pixel, without what it may say about its author.
/// </summary>
public static class GifFile
{
    /// <summary>The GIF without metadata blocks, and how many frames it has.</summary>
    public static (byte[] Content, int Frames) StripMetadata(ReadOnlySpan<byte> gif)
    {
        var output = new MemoryStream(gif.Length);
        if (gif.Length < 13 || !(gif.StartsWith("GIF87a"u8) || gif.StartsWith("GIF89a"u8)))
        {
            throw new MediaProcessingException("Not a GIF file.");
        }

        var position = 13;
        var packed = gif[10];
        if ((packed & 0x80) != 0)
        {
            position += 3 << ((packed & 0x07) + 1);
        }

        Write(output, gif, 0, position);
        var frames = 0;
        while (true)
        {
            var introducer = At(gif, position);
            if (introducer == 0x3B)
            {
                output.WriteByte(0x3B);
                return (output.ToArray(), frames);
            }

            if (introducer == 0x2C)
            {
                // Image descriptor, optional local colour table, LZW code size, then data sub-blocks.
                var start = position;
                var local = At(gif, position + 9);
                position += 10;
                if ((local & 0x80) != 0)
                {
                    position += 3 << ((local & 0x07) + 1);
                }

                position = SkipSubBlocks(gif, position + 1);
                Write(output, gif, start, position - start);
                frames++;
                continue;
            }

            if (introducer != 0x21)
            {
                throw new MediaProcessingException("Malformed GIF block.");
            }

            var label = At(gif, position + 1);
            var blockStart = position;
            var end = SkipSubBlocks(gif, position + 2);
            var keep = label switch
            {
                0xF9 or 0x01 => true, // graphic control (timing, transparency), plain text
                0xFF => IsLoopingApplication(gif, position + 2),
                _ => false, // comments and unknown extensions
            };
            if (keep)
            {
                Write(output, gif, blockStart, end - blockStart);
            }

            position = end;
        }
    }

    private static bool IsLoopingApplication(ReadOnlySpan<byte> gif, int position) =>
        At(gif, position) == 11 && position + 12 <= gif.Length
        && (gif.Slice(position + 1, 11).SequenceEqual("NETSCAPE2.0"u8) || gif.Slice(position + 1, 11).SequenceEqual("ANIMEXTS1.0"u8));

    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int position)
    {
        while (true)
        {
            var size = At(gif, position);
            position += 1 + size;
            if (size == 0)
            {
                return position;
            }
        }
    }

    private static byte At(ReadOnlySpan<byte> gif, int position) =>
        position < gif.Length ? gif[position] : throw new MediaProcessingException("The GIF file is truncated.");

    private static void Write(MemoryStream output, ReadOnlySpan<byte> gif, int start, int count)
    {
        if (start + count > gif.Length)
        {
            throw new MediaProcessingException("The GIF file is truncated.");
        }

        output.Write(gif.Slice(start, count));
    }
}
