// Alembic revisions of MLflow's tracking schema (mlflow/store/db_migrations/versions/*.py, `revision = "..."`).
// A db at a revision not listed here was made by a newer (or development) MLflow: we still read the columns
// we know, with a warning.

/** The whole chain as MLflow 3.17.2 ships it, base to head (read from its ScriptDirectory). */
const MLFLOW_3_17_CHAIN = [
  '451aebb31d03', '90e64c465722', '181f10493468', 'df50e92ffc5e', '7ac759974ad8', '89d4b8295536', '2b4d017a5e9b',
  'cfd24bdc0731', '0a8213491aaa', '728d730b5ebd', '27a6a02d2cf1', '84291f40a231', 'a8c4a736bde6', '39d1c3be5f05',
  'c48cb773bb87', 'bd07f7e963c5', '0c779009ac13', 'cc1f77228345', '97727af70f4d', '3500859a5d39', '7f2a7d5fae7d',
  '2d6e25af4d3e', 'acf3f17fdcc7', '867495a8f9d4', '5b0e9adcef9c', '4465047574b1', 'f5a4f2784254', '0584bdc529eb',
  '400f98739977', '6953534de441', 'bda7b8c39065', 'cbc13b556ace', '770bee3ae1dd', 'a1b2c3d4e5f6', 'de4033877273',
  '1a0cddfcaa16', '534353b11cbc', '71994744cf8e', '3da73c924c2f', 'bf29a5ff90ea', '1bd49d398cd23', 'b7c8d9e0f1a2',
  '5d2d30f0abce', 'c9d4e5f6a7b8', '2c33131f4dae', 'd3e4f5a6b7c8', 'd0e1f2a3b4c5', 'c8d9e0f1a2b3', '1b5f0d9ad7c1',
  'e1f2a3b4c5d6', '76601a5f987d', 'c3d6457b6d8a', 'a5b4c3d2e1f0', 'ae8bbe7743c9', '7d34483879f0', 'da6fb0208061',
  '89d3d66ed43f', 'b7e4c1a90f23', 'a8b9c0d1e2f3', 'c1d2e3f4a5b6', 'c3d9e7f1a2b4', '6f8d9c3b2a1e', '1971f2d9a75b',
  '17e22815139b', 'b7e2c1a4d9f3', '75868b020152', 'dc11669786a5',
];

/** Revisions seen in MLflow's public development history but not in that chain (newer releases, or renamed). */
const LATER_OR_DEVELOPMENT = [
  '1b49d398cd23', '0e7f11fcd8ac', '0f1a2b3c4d5e', '10a0b9ab53e2', '138e9eb975d4', '29599da4828d', '2c7e13772396',
  '30da9e9d8245', '322b1ae00ba2', '3aee407fe03d', '3f4e5d6c7b8a', '4209a452f04b', '455815393add', '4b75f9a0c123',
  '5c7212895a9f', '6dca653c92e6', '73ab2d98a1ec', '7c4d9e2f1a86', '92d5b24e0351', '93bd306463bd', '949ead8d4f49',
  '9eae7ec868c3', '9fb0326e9ebd', 'a1b2c3d4e5f7', 'a1c2e3f40b56', 'a1d2e3f4b5c6', 'a249e88eb671', 'a6d4e8b2c901',
  'af5ce5c40568', 'b0ec69213791', 'b446d3984cfa', 'b4c5d6e7f8a9', 'b8c9d0e1f2a3', 'c3a777925173', 'c3d6457b6d8a',
  'c3d7f2a1b8e4', 'eb885a9619f6',
];

export const KNOWN_MLFLOW_REVISIONS: ReadonlySet<string> = new Set([...MLFLOW_3_17_CHAIN, ...LATER_OR_DEVELOPMENT]);
