-- Start-up floor: print one integer.
print(string.format("%d", 42))
