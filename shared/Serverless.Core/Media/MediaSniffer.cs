using System.Buffers.Binary;

namespace Serverless.Core.Media;

/// <summary>What an upload is, judged by its content (magic bytes), never by its name or declared type.</summary>
/// <param name="ContentType">The canonical MIME type.</param>
/// <param name="Type">Mastodon's attachment type: image, video or audio.</param>
/// <param name="Extension">The file extension it is served with.</param>
/// <param name="Decodable">Whether the image decoder can read it (HEIC and AVIF are recognised but not decoded here).</param>
public sealed record SniffedMedia(string ContentType, string Type, string Extension, bool Decodable = true)
{
    public bool IsImage => Type == MediaTypes.Image;
}

/// <summary>Mastodon's attachment types.</summary>
public static class MediaTypes
{
    public const string Image = "image";
    public const string Gifv = "gifv";
    public const string Video = "video";
    public const string Audio = "audio";
    public const string Unknown = "unknown";
}

/// <summary>
/// Recognises uploads by their first bytes, and reads an image's dimensions from its header so that
/// a decompression bomb (a small file claiming 50,000 × 50,000 pixels) is refused before any pixel is decoded.
/// </summary>
public static class MediaSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 64;

    /// <summary>How far into a JPEG the dimension reader walks looking for the frame header (EXIF and ICC segments come first).</summary>
    private const long MaxJpegHeaderScan = 4 * 1024 * 1024;

    public static readonly SniffedMedia Jpeg = new("image/jpeg", MediaTypes.Image, "jpg");
    public static readonly SniffedMedia Png = new("image/png", MediaTypes.Image, "png");
    public static readonly SniffedMedia Gif = new("image/gif", MediaTypes.Image, "gif");
    public static readonly SniffedMedia WebP = new("image/webp", MediaTypes.Image, "webp");
    public static readonly SniffedMedia Heic = new("image/heic", MediaTypes.Image, "heic", Decodable: false);
    public static readonly SniffedMedia Avif = new("image/avif", MediaTypes.Image, "avif", Decodable: false);
    public static readonly SniffedMedia Mp4 = new("video/mp4", MediaTypes.Video, "mp4");
    public static readonly SniffedMedia QuickTime = new("video/quicktime", MediaTypes.Video, "mov");
    public static readonly SniffedMedia WebM = new("video/webm", MediaTypes.Video, "webm");
    public static readonly SniffedMedia Ogg = new("audio/ogg", MediaTypes.Audio, "ogg");
    public static readonly SniffedMedia Mp3 = new("audio/mpeg", MediaTypes.Audio, "mp3");
    public static readonly SniffedMedia Wav = new("audio/wav", MediaTypes.Audio, "wav");
    public static readonly SniffedMedia Flac = new("audio/flac", MediaTypes.Audio, "flac");
    public static readonly SniffedMedia M4a = new("audio/mp4", MediaTypes.Audio, "m4a");

    /// <summary>Recognises the format from the first bytes (at least <see cref="HeadLength"/> when the file is that long); null when it is none we accept.</summary>
    public static SniffedMedia? Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return Png;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head.Slice(8, 4);
            return form.SequenceEqual("WEBP"u8) ? WebP : form.SequenceEqual("WAVE"u8) ? Wav : null;
        }

        if (head.Length >= 12 && head.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            return FromBrands(head);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            // Matroska and WebM share the EBML header; Mastodon accepts WebM.
            return WebM;
        }

        if (head.StartsWith("OggS"u8))
        {
            return Ogg;
        }

        if (head.StartsWith("fLaC"u8))
        {
            return Flac;
        }

        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
        {
            // An ID3 tag, or an MPEG audio frame sync with a layer set.
            return Mp3;
        }

        return null;
    }

    /// <summary>
    /// Reads width and height from an image's header without decoding it; null when the header
    /// does not say (a truncated or odd file: the decoder then decides). Reads forward only.
    /// </summary>
    public static async Task<(int Width, int Height)?> ReadDimensionsAsync(Stream stream, SniffedMedia format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(format);
        if (format == Jpeg)
        {
            return await ReadJpegDimensionsAsync(stream, cancellationToken);
        }

        var head = new byte[32];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        return ReadDimensions(head.AsSpan(0, read), format);
    }

    /// <summary>Dimensions of PNG, GIF and WebP from their first 30 bytes.</summary>
    public static (int Width, int Height)? ReadDimensions(ReadOnlySpan<byte> head, SniffedMedia format)
    {
        if (format == Png && head.Length >= 24 && head.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            var width = BinaryPrimitives.ReadUInt32BigEndian(head[16..]);
            var height = BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
            return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : ((int)width, (int)height);
        }

        if (format == Gif && head.Length >= 10)
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]));
        }

        if (format == WebP && head.Length >= 30)
        {
            var chunk = head.Slice(12, 4);
            if (chunk.SequenceEqual("VP8X"u8))
            {
                // Extended format: 24-bit canvas width and height, minus one.
                var width = (head[24] | (head[25] << 8) | (head[26] << 16)) + 1;
                var height = (head[27] | (head[28] << 8) | (head[29] << 16)) + 1;
                return (width, height);
            }

            if (chunk.SequenceEqual("VP8L"u8) && head[20] == 0x2F)
            {
                // Lossless: 14-bit width and height, minus one, packed after the signature byte.
                var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
                return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
            }

            if (chunk.SequenceEqual("VP8 "u8) && head[23] == 0x9D && head[24] == 0x01 && head[25] == 0x2A)
            {
                // Lossy: after the frame tag and start code, 14-bit width and height (the top bits scale).
                return (BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
            }
        }

        return null;
    }

    private static SniffedMedia? FromBrands(ReadOnlySpan<byte> head)
    {
        // ISO base media: the major brand, then compatible brands, tell HEIF/AVIF images from MP4/MOV video and M4A audio.
        var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(head), (uint)head.Length);
        var brands = new List<string>();
        for (var offset = 8; offset + 4 <= Math.Max(size, 12); offset += 4)
        {
            if (offset == 12)
            {
                continue; // minor version
            }

            brands.Add(System.Text.Encoding.ASCII.GetString(head.Slice(offset, 4)));
        }

        var major = brands.Count > 0 ? brands[0] : "";
        if (major is "avif" or "avis")
        {
            return Avif;
        }

        if (major is "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1")
        {
            return brands.Contains("avif") ? Avif : Heic;
        }

        if (major is "M4A " or "M4B ")
        {
            return M4a;
        }

        return major == "qt  " ? QuickTime : Mp4;
    }

    private static async Task<(int Width, int Height)?> ReadJpegDimensionsAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[9];
        if (await stream.ReadAtLeastAsync(buffer.AsMemory(0, 2), 2, throwOnEndOfStream: false, cancellationToken) < 2 || buffer[0] != 0xFF || buffer[1] != 0xD8)
        {
            return null;
        }

        long position = 2;
        while (position < MaxJpegHeaderScan)
        {
            // A marker: 0xFF (possibly repeated as fill), then its code.
            if (await stream.ReadAtLeastAsync(buffer.AsMemory(0, 2), 2, throwOnEndOfStream: false, cancellationToken) < 2 || buffer[0] != 0xFF)
            {
                return null;
            }

            position += 2;
            var marker = buffer[1];
            while (marker == 0xFF)
            {
                if (await stream.ReadAtLeastAsync(buffer.AsMemory(1, 1), 1, throwOnEndOfStream: false, cancellationToken) < 1)
                {
                    return null;
                }

                position++;
                marker = buffer[1];
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // markers without a length
            }

            if (marker == 0xD9 || marker == 0xDA)
            {
                return null; // end of image or start of scan before any frame header
            }

            if (await stream.ReadAtLeastAsync(buffer.AsMemory(0, 2), 2, throwOnEndOfStream: false, cancellationToken) < 2)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(buffer) - 2;
            position += 2;
            if (length < 0)
            {
                return null;
            }

            // SOF0–SOF15 carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range but are not frames.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 5 || await stream.ReadAtLeastAsync(buffer.AsMemory(0, 5), 5, throwOnEndOfStream: false, cancellationToken) < 5)
                {
                    return null;
                }

                var height = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(1));
                var width = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(3));
                return (width, height);
            }

            if (!await SkipAsync(stream, length, cancellationToken))
            {
                return null;
            }

            position += length;
        }

        return null;
    }

    private static async Task<bool> SkipAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        if (stream.CanSeek)
        {
            if (stream.Position + count > stream.Length)
            {
                return false;
            }

            stream.Seek(count, SeekOrigin.Current);
            return true;
        }

        var scratch = new byte[Math.Min(count, 8192)];
        while (count > 0)
        {
            var read = await stream.ReadAsync(scratch.AsMemory(0, Math.Min(count, scratch.Length)), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            count -= read;
        }

        return true;
    }
}
