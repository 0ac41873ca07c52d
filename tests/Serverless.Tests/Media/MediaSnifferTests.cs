using Serverless.Core.Errors;
using Serverless.Core.Media;

namespace Serverless.Tests.Media;

public sealed class MediaSnifferTests
{
    [Fact]
    public void Formats_are_told_by_their_content()
    {
        Assert.Same(MediaSniffer.Png, MediaSniffer.Sniff(TestImages.Png(4, 3)));
        Assert.Same(MediaSniffer.Jpeg, MediaSniffer.Sniff(TestImages.Jpeg(4, 3)));
        Assert.Same(MediaSniffer.WebP, MediaSniffer.Sniff(TestImages.WebP(4, 3)));
        Assert.Same(MediaSniffer.Gif, MediaSniffer.Sniff(TestImages.Gif(4, 3, 0)));
        Assert.Same(MediaSniffer.Mp4, MediaSniffer.Sniff(Ftyp("isom", "mp41")));
        Assert.Same(MediaSniffer.QuickTime, MediaSniffer.Sniff(Ftyp("qt  ", "qt  ")));
        Assert.Same(MediaSniffer.M4a, MediaSniffer.Sniff(Ftyp("M4A ", "isom")));
        Assert.Same(MediaSniffer.Heic, MediaSniffer.Sniff(Ftyp("heic", "mif1")));
        Assert.Same(MediaSniffer.Avif, MediaSniffer.Sniff(Ftyp("avif", "mif1")));
        Assert.Same(MediaSniffer.WebM, MediaSniffer.Sniff([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81]));
        Assert.Same(MediaSniffer.Ogg, MediaSniffer.Sniff("OggS\0\u0002"u8));
        Assert.Same(MediaSniffer.Flac, MediaSniffer.Sniff("fLaC\0\0\0\u0022"u8));
        Assert.Same(MediaSniffer.Mp3, MediaSniffer.Sniff("ID3\u0004\0\0"u8));
        Assert.Same(MediaSniffer.Wav, MediaSniffer.Sniff("RIFF\u0024\0\0\0WAVEfmt "u8));
        Assert.Null(MediaSniffer.Sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8));
        Assert.Null(MediaSniffer.Sniff("%PDF-1.7"u8));
        Assert.Null(MediaSniffer.Sniff([]));
        Assert.False(MediaSniffer.Heic.Decodable);
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    [InlineData("webp")]
    [InlineData("gif")]
    public async Task Dimensions_are_read_from_the_header(string kind)
    {
        var bytes = kind switch
        {
            "png" => TestImages.Png(123, 45),
            "jpeg" => TestImages.WithExif(TestImages.Jpeg(123, 45), 1),
            "webp" => TestImages.WebP(123, 45),
            _ => TestImages.Gif(123, 45, 1),
        };
        var format = MediaSniffer.Sniff(bytes)!;
        using var stream = new MemoryStream(bytes);
        Assert.Equal((123, 45), await MediaSniffer.ReadDimensionsAsync(stream, format, CancellationToken.None));
    }

    [Fact]
    public async Task A_claimed_size_is_read_without_any_pixel_data()
    {
        using var stream = new MemoryStream(TestImages.PngHeaderOnly(10_000, 10_000));
        Assert.Equal((10_000, 10_000), await MediaSniffer.ReadDimensionsAsync(stream, MediaSniffer.Png, CancellationToken.None));
        var refused = Assert.Throws<ValidationFailedException>(() => MediaService.CheckDimensions(10_000, 10_000, MediaSniffer.Png));
        Assert.Equal("10000x10000 images are not supported", refused.Message);
        Assert.Equal("1281x720 GIF files are not supported", Assert.Throws<ValidationFailedException>(() => MediaService.CheckDimensions(1281, 720, MediaSniffer.Gif)).Message);
        MediaService.CheckDimensions(7680, 4320, MediaSniffer.Jpeg);
    }

    [Fact]
    public void Sizes_fit_Mastodons_pixel_bounds_keeping_the_aspect_ratio()
    {
        Assert.Equal((640, 480), ImageLimits.Fit(640, 480, ImageLimits.OriginalPixels));
        var (w, h) = ImageLimits.Fit(4000, 3000, ImageLimits.OriginalPixels);
        Assert.InRange((long)w * h, ImageLimits.OriginalPixels - 8000, ImageLimits.OriginalPixels);
        Assert.Equal(4.0 / 3, (double)w / h, 2);
        Assert.Equal((640, 360), ImageLimits.Fit(1920, 1080, ImageLimits.SmallPixels));
        Assert.Equal((1, 1), ImageLimits.Fit(1, 1, ImageLimits.SmallPixels));
    }

    private static byte[] Ftyp(string major, string compatible) =>
        [0, 0, 0, 24, .. "ftyp"u8.ToArray(), .. System.Text.Encoding.ASCII.GetBytes(major), 0, 0, 0, 0, .. System.Text.Encoding.ASCII.GetBytes(compatible), .. System.Text.Encoding.ASCII.GetBytes(major), 0, 0, 0, 8, .. "free"u8.ToArray()];
}
