# Start-up floor: print one integer.
print(42)
