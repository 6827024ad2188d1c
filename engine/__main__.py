"""``python -m tongbao`` runs the same command as ``tongbao``."""
from tongbao.console.launch import main

if __name__ == "__main__":
    main()
