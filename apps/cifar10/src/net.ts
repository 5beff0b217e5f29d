/**
 * The Net of PyTorch's "Training a classifier" tutorial, generalised over the input channels and
 * image size so the same class also trains on 1-channel 28×28 Fashion-MNIST (fc1 then takes 16×4×4).
 */
import * as torch from 'typetorch';

const { nn } = torch;
const F = nn.functional;

/** The tutorial's two-conv, three-linear classifier. */
export class Net extends nn.Module {
  // Declared here, assigned in the constructor in the tutorial's order, so that the state dict's keys
  // come out as PyTorch's: conv1.weight, conv1.bias, conv2.weight, ..., fc3.bias.
  declare conv1: torch.nn.Conv2d;
  declare pool: torch.nn.MaxPool2d;
  declare conv2: torch.nn.Conv2d;
  declare fc1: torch.nn.Linear;
  declare fc2: torch.nn.Linear;
  declare fc3: torch.nn.Linear;

  /**
   * @param inChannels 3 for CIFAR-10 (the tutorial), 1 for Fashion-MNIST.
   * @param imageSize the side of the square input: 32 for CIFAR-10, 28 for Fashion-MNIST.
   */
  constructor(inChannels = 3, imageSize = 32) {
    super();
    // Each conv (5×5, no padding) takes 4 pixels off the side and each pool halves it.
    const side = Math.floor((Math.floor((imageSize - 4) / 2) - 4) / 2);
    this.conv1 = new nn.Conv2d(inChannels, 6, 5);
    this.pool = new nn.MaxPool2d(2, 2);
    this.conv2 = new nn.Conv2d(6, 16, 5);
    this.fc1 = new nn.Linear(16 * side * side, 120);
    this.fc2 = new nn.Linear(120, 84);
    this.fc3 = new nn.Linear(84, 10);
  }

  /** Logits `[N, 10]` for images `[N, C, H, W]`. */
  forward(x: torch.Tensor): torch.Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x)));
    x = this.pool.call(F.relu(this.conv2.call(x)));
    x = torch.flatten(x, 1);
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    return this.fc3.call(x);
  }
}
