import torch
import torch.nn as nn
from torch import optim

torch.manual_seed(0)

SOS_token = 0
VOCAB = 12
HIDDEN = 16
MAX_LEN = 5


class EncoderRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super(EncoderRNN, self).__init__()
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)

    def forward(self, input):
        embedded = self.embedding(input)
        output, hidden = self.gru(embedded)
        return output, hidden


class DecoderRNN(nn.Module):
    def __init__(self, hidden_size, output_size):
        super(DecoderRNN, self).__init__()
        self.embedding = nn.Embedding(output_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        output = torch.relu(self.embedding(input))
        output, hidden = self.gru(output, hidden)
        return self.out(output), hidden


def train(input_tensor, target_tensor, encoder, decoder, encoder_optimizer,
          decoder_optimizer, criterion, debug):
    encoder_optimizer.zero_grad()
    encoder_outputs, encoder_hidden = encoder(input_tensor)

    decoder_input = torch.full((input_tensor.size(0), 1), SOS_token, dtype=torch.long)
    decoder_hidden = encoder_hidden
    loss = 0
    for di in range(target_tensor.size(1)):
        decoder_output, decoder_hidden = decoder(decoder_input, decoder_hidden)
        loss += criterion(decoder_output.squeeze(1), target_tensor[:, di])
        decoder_input = target_tensor[:, di].unsqueeze(1)  # teacher forcing

    loss.backward()
    debug["encoder_hidden_grad"] = encoder_hidden.grad
    encoder_optimizer.step()
    decoder_optimizer.step()
    return loss.item() / target_tensor.size(1)


def grad_norm(module):
    return sum(p.grad.norm().item() ** 2 for p in module.parameters() if p.grad is not None) ** 0.5


def train_iters(encoder, decoder, pairs, learning_rate=1e-4):
    encoder_optimizer = optim.SGD(encoder.parameters(), lr=learning_rate)
    decoder_optimizer = optim.SGD(decoder.parameters(), lr=learning_rate)
    criterion = nn.CrossEntropyLoss()
    debug, history = {}, []
    for src, tgt in pairs:
        loss = train(src, tgt, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion, debug)
        history.append((loss, grad_norm(encoder), grad_norm(decoder)))
    return history, debug


src = torch.randint(1, VOCAB, (4, MAX_LEN))
tgt = torch.flip(src, dims=[1])
pairs = [(src, tgt)] * 4
encoder = EncoderRNN(VOCAB, HIDDEN)
decoder = DecoderRNN(HIDDEN, VOCAB)
history, debug = train_iters(encoder, decoder, pairs)
