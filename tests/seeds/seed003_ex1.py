import torch

variable_tensor_cpu = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
variable_tensor_cuda = variable_tensor_cpu.cuda()
constant_tensor = torch.tensor([4.0, 5.0, 6.0]).cuda()

loss = torch.sum((variable_tensor_cuda - constant_tensor) ** 2)
loss.backward()

print(variable_tensor_cpu.grad)
print(variable_tensor_cuda.grad)
