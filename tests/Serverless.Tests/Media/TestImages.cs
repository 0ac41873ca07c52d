using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Serverless.Tests.Media;

/// <summary>Images made in the test: encoded with SkiaSharp, GIFs and EXIF segments written by hand.</summary>
public static class TestImages
{
    /// <summary>A left-to-right red-to-blue gradient with a white square in the top-left corner (to see orientation).</summary>
    public static SKBitmap Picture(int width, int height)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint
        {
            Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, 0), [SKColors.Red, SKColors.Blue], SKShaderTileMode.Clamp),
        };
        canvas.DrawRect(0, 0, width, height, paint);
        using var white = new SKPaint { Color = SKColors.White };
        canvas.DrawRect(0, 0, Math.Max(1, width / 4), Math.Max(1, height / 4), white);
        canvas.Flush();
        return bitmap;
    }

    public static byte[] Png(int width, int height)
    {
        using var bitmap = Picture(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    public static byte[] Jpeg(int width, int height, int quality = 90)
    {
        using var bitmap = Picture(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);
    }

    public static byte[] WebP(int width, int height)
    {
        using var bitmap = Picture(width, height);
        return Encode(bitmap, SKEncodedImageFormat.Webp, 90);
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>Decodes served bytes: format, size (as stored) and EXIF origin.</summary>
    public static (SKEncodedImageFormat Format, int Width, int Height, SKEncodedOrigin Origin, int Frames) Inspect(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidOperationException("Not an image.");
        return (codec.EncodedFormat, codec.Info.Width, codec.Info.Height, codec.EncodedOrigin, codec.FrameCount);
    }

    /// <summary>The colour of one pixel of an encoded image.</summary>
    public static SKColor PixelAt(byte[] bytes, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(bytes);
        return bitmap.GetPixel(x, y);
    }

    /// <summary>
    /// Inserts an APP1 Exif segment right after the JPEG's SOI marker: IFD0 with Make
    /// ("SecretCam"), Orientation and a GPS IFD (latitude and longitude), in big-endian TIFF.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[174];
        var t = tiff.AsSpan();
        "MM"u8.CopyTo(t);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], 42);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], 8);

        // IFD0 at 8: Make, Orientation, GPS IFD pointer (tags ascending).
        BinaryPrimitives.WriteUInt16BigEndian(t[8..], 3);
        Entry(t, 10, 0x010F, 2, 10, 164);
        Entry(t, 22, 0x0112, 3, 1, (uint)orientation << 16);
        Entry(t, 34, 0x8825, 4, 1, 50);
        BinaryPrimitives.WriteUInt32BigEndian(t[46..], 0);

        // GPS IFD at 50: version, latitude ref and value, longitude ref and value.
        BinaryPrimitives.WriteUInt16BigEndian(t[50..], 5);
        Entry(t, 52, 0x0000, 1, 4, 0x02030000);
        Entry(t, 64, 0x0001, 2, 2, (uint)'N' << 24);
        Entry(t, 76, 0x0002, 5, 3, 116);
        Entry(t, 88, 0x0003, 2, 2, (uint)'E' << 24);
        Entry(t, 100, 0x0004, 5, 3, 140);
        BinaryPrimitives.WriteUInt32BigEndian(t[112..], 0);

        // 52° 31' 12" N, 13° 24' 36" E as rationals.
        Rationals(t[116..], 52, 31, 12);
        Rationals(t[140..], 13, 24, 36);
        "SecretCam\0"u8.CopyTo(t[164..]);

        var segment = new List<byte> { 0xFF, 0xE1 };
        var length = (ushort)(2 + 6 + tiff.Length);
        segment.Add((byte)(length >> 8));
        segment.Add((byte)length);
        segment.AddRange("Exif\0\0"u8.ToArray());
        segment.AddRange(tiff);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];

        static void Entry(Span<byte> t, int at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(t[at..], tag);
            BinaryPrimitives.WriteUInt16BigEndian(t[(at + 2)..], type);
            BinaryPrimitives.WriteUInt32BigEndian(t[(at + 4)..], count);
            BinaryPrimitives.WriteUInt32BigEndian(t[(at + 8)..], value);
        }

        static void Rationals(Span<byte> t, uint degrees, uint minutes, uint seconds)
        {
            var values = new[] { degrees, minutes, seconds };
            for (var i = 0; i < 3; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(t[(i * 8)..], values[i]);
                BinaryPrimitives.WriteUInt32BigEndian(t[((i * 8) + 4)..], 1);
            }
        }
    }

    /// <summary>Whether the bytes contain the ASCII text anywhere.</summary>
    public static bool Contains(byte[] bytes, string text) => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    /// <summary>Whether a JPEG has an APP1 (Exif or XMP) segment before its image data.</summary>
    public static bool HasApp1(byte[] jpeg)
    {
        var position = 2;
        while (position + 4 <= jpeg.Length && jpeg[position] == 0xFF)
        {
            var marker = jpeg[position + 1];
            if (marker == 0xE1)
            {
                return true;
            }

            if (marker == 0xDA)
            {
                return false;
            }

            position += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(position + 2));
        }

        return false;
    }

    /// <summary>
    /// A GIF89a of solid-colour frames (one colour index each), with a looping block, a comment
    /// block and an XMP application block, LZW-coded without compression (9-bit codes, a clear
    /// code every 250 pixels so the code width never grows).
    /// </summary>
    public static byte[] Gif(int width, int height, params byte[] frameColours)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0xF7, 0, 0]);
        for (var i = 0; i < 256; i++)
        {
            // Index 0 red, 1 green, 2 blue, the rest grey.
            gif.AddRange(i switch { 0 => [255, 0, 0], 1 => [0, 255, 0], 2 => [0, 0, 255], _ => [(byte)i, (byte)i, (byte)i] });
        }

        gif.AddRange([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8.ToArray(), 3, 1, 0, 0, 0]);
        gif.AddRange([0x21, 0xFE, 13, .. "SecretComment"u8.ToArray(), 0]);
        gif.AddRange([0x21, 0xFF, 11, .. "XMP DataXMP"u8.ToArray(), 9, .. "SecretXmp"u8.ToArray(), 0]);
        foreach (var colour in frameColours)
        {
            gif.AddRange([0x21, 0xF9, 4, 0, 10, 0, 0, 0]);
            gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
            gif.Add(8);
            var data = Lzw(colour, width * height);
            for (var offset = 0; offset < data.Count; offset += 255)
            {
                var size = Math.Min(255, data.Count - offset);
                gif.Add((byte)size);
                gif.AddRange(data.Skip(offset).Take(size));
            }

            gif.Add(0);
        }

        gif.Add(0x3B);
        return [.. gif];

        static List<byte> Lzw(byte index, int pixels)
        {
            var codes = new List<int> { 256 };
            for (var p = 0; p < pixels; p++)
            {
                if (p > 0 && p % 250 == 0)
                {
                    codes.Add(256);
                }

                codes.Add(index);
            }

            codes.Add(257);
            var bytes = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (var code in codes)
            {
                buffer |= code << bits;
                bits += 9;
                while (bits >= 8)
                {
                    bytes.Add((byte)buffer);
                    buffer >>= 8;
                    bits -= 8;
                }
            }

            if (bits > 0)
            {
                bytes.Add((byte)buffer);
            }

            return bytes;
        }
    }

    /// <summary>A PNG signature and header claiming the given size, followed by nothing decodable.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var bytes = new byte[64];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }.CopyTo(bytes, 0);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), (uint)height);
        bytes[24] = 8;
        bytes[25] = 2;
        for (var i = 33; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        return bytes;
    }
}
