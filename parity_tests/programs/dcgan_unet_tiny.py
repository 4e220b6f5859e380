"""A tiny DCGAN and a tiny U-Net, in the style of the DCGAN tutorial and of U-Net segmentation
lessons.

DCGAN: a ``Generator`` of ``nn.ConvTranspose2d(..., bias=False)`` + ``nn.BatchNorm2d`` + ``nn.ReLU``
ending in ``nn.Tanh``, a ``Discriminator`` of ``nn.Conv2d`` + ``nn.LeakyReLU(0.2, inplace=True)``
ending in ``nn.Sigmoid``, the tutorial's ``weights_init`` (``classname.find('Conv')``,
``nn.init.normal_(m.weight.data, 0.0, 0.02)``, ``nn.init.constant_``), ``nn.BCELoss``, ``Adam(lr=0.0002,
betas=(0.5, 0.999))``, ``torch.full((b_size,), real_label)``, ``fake.detach()``, the
``Loss_D / Loss_G / D(x) / D(G(z))`` lines, on made-up 16x16 "images" (bright blobs).

U-Net: ``nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)`` and
``nn.ConvTranspose2d(kernel_size=2, stride=2)`` decoders with ``torch.cat`` skip connections,
``F.interpolate`` to match sizes, ``nn.Dropout2d``, ``nn.PixelShuffle``, ``BCEWithLogitsLoss`` on
made-up masks, and the output shapes through the network.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

torch.manual_seed(0)
nz, ngf, ndf, nc = 8, 8, 8, 1


def make_images(n):
    """Bright gaussian blobs at random places, scaled to [-1, 1] like the tutorial's Normalize."""
    centres = torch.rand(n, 2) * 10 + 3
    grid = torch.arange(16.0)
    d2 = ((grid.view(1, 16, 1) - centres[:, 0].view(n, 1, 1)) ** 2
          + (grid.view(1, 1, 16) - centres[:, 1].view(n, 1, 1)) ** 2)
    return (torch.exp(-d2 / 8.0) * 2 - 1).unsqueeze(1)


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),      # 1x1 -> 4x4
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),     # -> 8x8
            nn.BatchNorm2d(ngf),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),          # -> 16x16
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),                   # 16 -> 8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),              # -> 4
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),                # -> 1
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input)


netG = Generator()
netG.apply(weights_init)
print(netG)
netD = Discriminator()
netD.apply(weights_init)
print(netD)

criterion = nn.BCELoss()
fixed_noise = torch.randn(4, nz, 1, 1)
real_label, fake_label = 1., 0.
optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
data = make_images(64)
G_losses, D_losses = [], []
for epoch in range(2):
    for i in range(4):
        # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real_cpu = data[i * 16:(i + 1) * 16]
        b_size = real_cpu.size(0)
        label = torch.full((b_size,), real_label, dtype=torch.float)
        output = netD(real_cpu).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.randn(b_size, nz, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()
        # (2) Update G: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        print('[%d/%d][%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f'
              % (epoch, 2, i, 4, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
        G_losses.append(errG.item())
        D_losses.append(errD.item())
with torch.no_grad():
    fake = netG(fixed_noise).detach()
print("fixed-noise samples:", tuple(fake.shape),
      "range %.3f .. %.3f" % (fake.min().item(), fake.max().item()))


# ----- a tiny U-Net ---------------------------------------------------------------------------------
class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.double_conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.double_conv(x)


class Up(nn.Module):
    def __init__(self, in_channels, out_channels, bilinear=True):
        super().__init__()
        if bilinear:
            self.up = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True)
            self.conv = DoubleConv(in_channels, out_channels)
        else:
            self.up = nn.ConvTranspose2d(in_channels, in_channels // 2, kernel_size=2, stride=2)
            self.conv = DoubleConv(in_channels, out_channels)

    def forward(self, x1, x2):
        x1 = self.up(x1)
        diffY = x2.size()[2] - x1.size()[2]
        diffX = x2.size()[3] - x1.size()[3]
        x1 = F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2])
        x = torch.cat([x2, x1], dim=1)
        return self.conv(x)


class TinyUNet(nn.Module):
    def __init__(self, bilinear):
        super().__init__()
        self.inc = DoubleConv(1, 4)
        self.down = nn.Sequential(nn.MaxPool2d(2), DoubleConv(4, 8 if not bilinear else 4))
        self.up = Up(8, 4, bilinear)
        self.drop = nn.Dropout2d(0.1)
        self.head = nn.Sequential(nn.Conv2d(4, 4, kernel_size=1), nn.PixelShuffle(2))

    def forward(self, x):
        x1 = self.inc(x)
        x2 = self.down(x1)
        x = self.drop(self.up(x2, x1))
        logits = self.head(x)                                     # 2x the resolution
        return F.interpolate(logits, size=x1.shape[-2:], mode='nearest')


images = make_images(8)
masks = (images > 0).float()
for bilinear in (True, False):
    torch.manual_seed(1)
    model = TinyUNet(bilinear)
    print(model.up)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.BCEWithLogitsLoss()
    for step in range(6):
        optimizer.zero_grad()
        out = model(images)
        loss = loss_fn(out, masks)
        loss.backward()
        optimizer.step()
        print(f"bilinear={bilinear} step {step}: loss {loss.item():.4f}", tuple(out.shape))
    model.eval()
    with torch.no_grad():
        pred = (model(images) > 0).float()
    print("pixel accuracy: %.3f" % (pred == masks).float().mean().item())
